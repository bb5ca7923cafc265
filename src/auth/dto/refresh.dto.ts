import { Sensitive } from '../../common/sensitive.decorator.js';
import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  @Sensitive()
  refreshToken: string;
}
