import { ApiProperty } from '../../../http/openapi-declarations.js';
import { IsString, Matches } from 'class-validator';
import { Sensitive } from '../../../common/sensitive.decorator.js';

/** A code from the authenticator app: six digits (RFC 6238 with the usual parameters). */
export class TotpCodeDto {
  @ApiProperty({ example: '123456', pattern: '^[0-9]{6}$' })
  @IsString()
  @Matches(/^[0-9]{6}$/, { message: 'code must be six digits' })
  @Sensitive()
  code: string;
}
