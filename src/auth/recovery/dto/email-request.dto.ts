import { ApiProperty } from '../../../http/openapi-declarations.js';
import { IsEmail, MaxLength } from 'class-validator';

/** `{ email }` of the mail-sending requests (password reset, verification resend). */
export class EmailRequestDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({ allow_display_name: false, allow_ip_domain: false })
  @MaxLength(254)
  email: string;
}
