import type { Scope } from '../access/access.decorators.js';
import { displayPrefix } from './api-key-format.js';
import type { ApiKey } from './api-key.entity.js';

/** Key view of docs/http-contract.md#api-keys: never the secret or its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  allowedIps: string[];
  expiresAt: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedIp: string | null;
  useCount: number;
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
