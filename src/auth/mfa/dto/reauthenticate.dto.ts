import { ApiProperty } from '../../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';
import { Sensitive } from '../../../common/sensitive.decorator.js';
import { SecondFactorProofDto } from './second-factor-proof.dto.js';

/** Step-up: the password again, and the second factor when the account has one. */
export class ReauthenticateDto extends SecondFactorProofDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  password: string;
}
