import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsString, Length, MaxLength } from 'class-validator';
import { SingleLine } from '../../common/single-line.decorator.js';

/** Only these fields are accepted: ownerId, id or timestamps in a body are a 400 (mass assignment). */
export class CreateNoteDto {
  @ApiProperty({ minLength: 1, maxLength: 200 })
  @IsString()
  @Length(1, 200)
  @SingleLine()
  title: string;

  @ApiProperty({ maxLength: 20_000 })
  @IsString()
  @MaxLength(20_000)
  body: string;
}
