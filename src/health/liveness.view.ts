import { ApiProperty } from '@nestjs/swagger';

/** GET /health/live: the process answers; nothing else is checked. */
export class LivenessView {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}
