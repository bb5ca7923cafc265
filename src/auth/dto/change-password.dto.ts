import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(1024)
  currentPassword: string;

  @ApiProperty({ minLength: 15, maxLength: 128 })
  @IsString()
  @MaxLength(1024)
  newPassword: string;
}
