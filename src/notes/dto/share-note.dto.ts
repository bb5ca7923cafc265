import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class ShareNoteDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;
}
