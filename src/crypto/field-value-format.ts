import { FIELD_KEY_ID } from '../config/secret-rules.js';

/**
 * Storage format of an encrypted field, version 1 (docs/data-protection.md, "Storage format"):
 *
 *   v1.<keyId>.<nonce>.<sealed>
 *
 * `nonce` is the 12-byte GCM nonce and `sealed` the ciphertext followed by the 16-byte tag, both
 * base64url without padding. Plain ASCII text, so one `text` column works on SQLite and
 * PostgreSQL. The version prefix lets a future format (or algorithm) coexist during migration
 * (ASVS 11.2.2 crypto agility); the key id lets any configured key decrypt (rotation).
 */
export const FORMAT_VERSION = 'v1';
export const NONCE_BYTES = 12;
export const TAG_BYTES = 16;

export interface SealedValue {
  readonly version: typeof FORMAT_VERSION;
  readonly keyId: string;
  readonly nonce: Buffer;
  /** Ciphertext followed by the authentication tag. */
  readonly sealed: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

export function formatSealedValue(keyId: string, nonce: Buffer, sealed: Buffer): string {
  return `${FORMAT_VERSION}.${keyId}.${nonce.toString('base64url')}.${sealed.toString('base64url')}`;
}

/** The prefix every value encrypted under `keyId` starts with; `cli reencrypt` skips those. */
export function sealedValuePrefix(keyId: string): string {
  return `${FORMAT_VERSION}.${keyId}.`;
}

/** Strict parse: anything not exactly in the format (non-canonical base64 included) is refused. */
export function parseSealedValue(stored: string): SealedValue | undefined {
  const parts = stored.split('.');
  if (parts.length !== 4) return undefined;
  const [version, keyId, nonceText, sealedText] = parts as [string, string, string, string];
  if (version !== FORMAT_VERSION || !FIELD_KEY_ID.test(keyId)) return undefined;
  const nonce = decodeCanonical(nonceText);
  const sealed = decodeCanonical(sealedText);
  if (nonce?.length !== NONCE_BYTES || sealed === undefined || sealed.length < TAG_BYTES) return undefined;
  return { version, keyId, nonce, sealed };
}

/** Buffer.from(…, 'base64url') silently skips bad characters; a re-encode comparison does not. */
function decodeCanonical(text: string): Buffer | undefined {
  if (!BASE64URL.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  return bytes.toString('base64url') === text ? bytes : undefined;
}
