import { ApiProperty } from '../http/openapi-declarations.js';

/** GET /health/live: the process answers; nothing else is checked. */
export class LivenessView {
  @ApiProperty({ enum: ['ok'] })
  status: 'ok';
}
