import { Sensitive } from '../../common/sensitive.decorator.js';
import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  currentPassword: string;

  @ApiProperty({ minLength: 15, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  newPassword: string;
}
