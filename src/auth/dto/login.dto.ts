import { Sensitive } from '../../common/sensitive.decorator.js';
import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsString, MaxLength } from 'class-validator';

export class LoginDto {
  @ApiProperty({ example: 'alice@example.com' })
  @IsString()
  @MaxLength(254)
  email: string;

  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  @Sensitive()
  password: string;
}
