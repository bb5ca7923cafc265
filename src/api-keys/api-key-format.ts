import { createHash, randomBytes } from 'node:crypto';

/**
 * Key format `snk_<publicId>_<secret><checksum>` (docs/http-contract.md#api-keys):
 * - `snk` prefix: lets secret scanners (and people) recognise a leaked key;
 * - publicId: 16 hex chars (64 random bits), the indexed lookup handle, safe to show;
 * - secret: 64 hex chars = 256 bits from the CSPRNG (ASVS 11.5.1);
 * - checksum: 8 hex chars of SHA-256 over the rest, so a typo or truncated key is refused
 *   without a database lookup, and scanners can validate candidates offline.
 * Hex keeps the key free of `_` and `-`, so splitting on `_` is unambiguous.
 */
export const API_KEY_PREFIX = 'snk';
const FORMAT = /^snk_([0-9a-f]{16})_([0-9a-f]{64})([0-9a-f]{8})$/;

function checksum(body: string): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 8);
}

export interface ParsedApiKey {
  readonly publicId: string;
  readonly secret: string;
}

export function generateApiKey(publicId = randomBytes(8).toString('hex')): { key: string; publicId: string; secret: string } {
  const secret = randomBytes(32).toString('hex');
  const body = `${API_KEY_PREFIX}_${publicId}_${secret}`;
  return { key: `${body}${checksum(body)}`, publicId, secret };
}

/** Undefined for anything malformed or with a wrong checksum: cheap refusal before any I/O. */
export function parseApiKey(key: string): ParsedApiKey | undefined {
  const match = FORMAT.exec(key);
  if (!match) return undefined;
  const [, publicId, secret, sum] = match as unknown as [string, string, string, string];
  return checksum(`${API_KEY_PREFIX}_${publicId}_${secret}`) === sum ? { publicId, secret } : undefined;
}

/** The part of a key that may be shown again: prefix and public id (docs/http-contract.md#api-keys key view). */
export function displayPrefix(publicId: string): string {
  return `${API_KEY_PREFIX}_${publicId}`;
}
