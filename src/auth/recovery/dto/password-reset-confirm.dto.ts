import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { Sensitive } from '../../../common/sensitive.decorator.js';
import { OneTimeTokenDto } from './one-time-token.dto.js';

/** `{ token, newPassword }`: the token from the reset link and the new password (password policy applies). */
export class PasswordResetConfirmDto extends OneTimeTokenDto {
  @ApiProperty({ minLength: 15, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  newPassword: string;
}
