import { ApiProperty } from '../../http/openapi-declarations.js';
import { IsUUID } from 'class-validator';

export class ShareNoteDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  userId: string;
}
