import { ApiProperty } from '../../../http/openapi-declarations.js';
import { IsString, Length } from 'class-validator';
import { Sensitive } from '../../../common/sensitive.decorator.js';

/** `{ token }` from a mailed link (email verification). */
export class OneTimeTokenDto {
  @ApiProperty({ description: 'The token from the link in the mail.', minLength: 1, maxLength: 256 })
  @IsString()
  @Length(1, 256)
  @Sensitive()
  token: string;
}
