import { Sensitive } from '../../common/sensitive.decorator.js';
import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsEmail, IsString, Length, MaxLength } from 'class-validator';
import { SingleLine } from '../../common/single-line.decorator.js';

export class RegisterDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsEmail({ allow_display_name: false, allow_ip_domain: false })
  @MaxLength(254)
  email: string;

  /** Length and content rules are checked by the password policy (never truncated); this caps the input. */
  @ApiProperty({ minLength: 15, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  password: string;

  @ApiProperty({ example: 'Alice' })
  @IsString()
  @Length(1, 100)
  @SingleLine()
  displayName: string;
}
