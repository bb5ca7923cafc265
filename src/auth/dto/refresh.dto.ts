import { Sensitive } from '../../common/sensitive.decorator.js';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

export class RefreshDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  @Sensitive()
  refreshToken: string;
}
