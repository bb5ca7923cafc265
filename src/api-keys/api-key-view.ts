import { ApiProperty } from '../http/openapi-declarations.js';
import type { Scope } from '../access/access.decorators.js';
import { SCOPES } from '../access/scopes.js';
import { displayPrefix } from './api-key-format.js';
import type { ApiKey } from './api-key.entity.js';

/** Key view of docs/http-contract.md#api-keys: never the secret or its hash. */
export class ApiKeyView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty()
  name: string;
  @ApiProperty({ description: 'The public start of the key, to recognise it; never the secret.' })
  prefix: string;
  @ApiProperty({ enum: SCOPES, enumName: 'Scope', isArray: true })
  scopes: Scope[];
  @ApiProperty({ type: [String], description: 'Addresses or CIDR ranges the key may be used from; empty = any.' })
  allowedIps: string[];
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  lastUsedAt: string | null;
  @ApiProperty({ type: 'string', nullable: true })
  lastUsedIp: string | null;
  @ApiProperty({ type: 'integer', minimum: 0 })
  useCount: number;
  @ApiProperty({ type: 'string', format: 'date-time', nullable: true })
  revokedAt: string | null;
}

export function toApiKeyView(key: ApiKey): ApiKeyView {
  return {
    id: key.id,
    name: key.name,
    prefix: displayPrefix(key.publicId),
    scopes: [...key.scopes],
    allowedIps: [...key.allowedIps],
    expiresAt: key.expiresAt.toISOString(),
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    lastUsedIp: key.lastUsedIp,
    useCount: key.useCount,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/** A key as created or rotated: the only time the secret is shown (docs/http-contract.md#api-keys). */
export class ApiKeyWithSecretView extends ApiKeyView {
  @ApiProperty({ description: 'The secret, shown once: store it now; the server keeps only its hash.' })
  key: string;
}

/** The caller's keys: all of them (a user holds at most API_KEYS_MAX_PER_USER), so no pages. */
export class ApiKeyListView {
  @ApiProperty({ type: [ApiKeyView] })
  items: ApiKeyView[];
}
