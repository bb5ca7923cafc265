import { ApiPropertyOptional } from '../../../http/openapi-declarations.js';
import { IsString, Matches, MaxLength } from 'class-validator';
import { Optional } from '../../../common/optional.decorator.js';
import { Sensitive } from '../../../common/sensitive.decorator.js';

/** Proof of the second factor: a TOTP code or one recovery code (exactly one, see second-factor.service.ts). */
export class SecondFactorProofDto {
  @ApiPropertyOptional({ example: '123456', pattern: '^[0-9]{6}$' })
  @Optional()
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'code must be six digits' })
  @Sensitive()
  code?: string;

  @ApiPropertyOptional({ example: 'abcd-efgh-ijkl-mnop-qrst-uvwx', maxLength: 64 })
  @Optional()
  @IsString()
  @MaxLength(64)
  @Sensitive()
  recoveryCode?: string;
}
