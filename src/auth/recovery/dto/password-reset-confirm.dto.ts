import { ApiProperty, IntersectionType } from '../../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';
import { Sensitive } from '../../../common/sensitive.decorator.js';
import { SecondFactorProofDto } from '../../mfa/dto/second-factor-proof.dto.js';
import { OneTimeTokenDto } from './one-time-token.dto.js';

/**
 * `{ token, newPassword }`: the token from the reset link and the new password (password policy
 * applies); for an account with a second factor also `code` or `recoveryCode`, since the mailbox
 * alone must not take over an account that MFA protects (docs/account-lifecycle.md).
 */
export class PasswordResetConfirmDto extends IntersectionType(OneTimeTokenDto, SecondFactorProofDto) {
  @ApiProperty({ minLength: 15, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  newPassword: string;
}
