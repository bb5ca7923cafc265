import { ApiProperty, ApiPropertyOptional } from '../http/openapi-declarations.js';
import type { ChainVerification } from './audit-verifier.js';

/** The answer of GET /api/v1/audit-events/verify (docs/http-contract.md#audit-events). */
export class ChainVerificationView implements ChainVerification {
  @ApiProperty({ description: 'True when every event hashes to its stored value and links to the one before.' })
  valid: boolean;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'How many events were checked.' })
  checked: number;
  @ApiPropertyOptional({ format: 'uuid', description: 'The first event that fails, when the chain is broken.' })
  firstInvalidId?: string;
}
