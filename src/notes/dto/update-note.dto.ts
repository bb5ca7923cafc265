import { ApiPropertyOptional } from '../../http/openapi-declarations.js';
import { IsString, Length, MaxLength } from 'class-validator';
import { Optional } from '../../common/optional.decorator.js';
import { SingleLine } from '../../common/single-line.decorator.js';

export class UpdateNoteDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Optional()
  @IsString()
  @Length(1, 200)
  @SingleLine()
  title?: string;

  @ApiPropertyOptional({ maxLength: 20_000 })
  @Optional()
  @IsString()
  @MaxLength(20_000)
  body?: string;
}
