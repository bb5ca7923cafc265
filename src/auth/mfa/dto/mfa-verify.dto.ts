import { ApiProperty } from '../../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';
import { Sensitive } from '../../../common/sensitive.decorator.js';
import { SecondFactorProofDto } from './second-factor-proof.dto.js';

/** The second step of a login: the `mfaToken` from POST /auth/login and a code or a recovery code. */
export class MfaVerifyDto extends SecondFactorProofDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  @Sensitive()
  mfaToken: string;
}
