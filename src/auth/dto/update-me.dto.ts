import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsString, Length } from 'class-validator';
import { SingleLine } from '../../common/single-line.decorator.js';

export class UpdateMeDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  @SingleLine()
  displayName: string;
}
