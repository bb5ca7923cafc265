import { Sensitive } from '../../common/sensitive.decorator.js';
import { ApiPropertyOptional } from '../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';
import { Optional } from '../../common/optional.decorator.js';

export class LogoutDto {
  @ApiPropertyOptional()
  @Optional()
  @IsString()
  @MaxLength(256)
  @Sensitive()
  refreshToken?: string;
}
