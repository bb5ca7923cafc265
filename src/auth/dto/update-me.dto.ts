import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class UpdateMeDto {
  @ApiProperty()
  @IsString()
  @Length(1, 100)
  displayName: string;
}
