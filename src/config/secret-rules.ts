import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import type { FieldKey } from './app-config.js';
import { ConfigError } from './config-error.js';

/**
 * Parsers that refuse weak or malformed secrets (ASVS 11.2 / 13.3). Each one names the variable
 * in its error so production fails fast with a message an operator can act on.
 */
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
export const FIELD_KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function parseKey32(name: string, value: string): Buffer {
  const trimmed = value.trim();
  if (!BASE64.test(trimmed) || trimmed.length % 4 !== 0) {
    throw new ConfigError(name, 'must be base64 (standard alphabet, padded)');
  }
  const key = Buffer.from(trimmed, 'base64');
  if (key.length !== 32) throw new ConfigError(name, `must decode to 32 bytes, got ${key.length}`);
  if (key.every((byte) => byte === key[0])) throw new ConfigError(name, 'is a constant byte string, not a random key');
  return key;
}

export function parseFieldKeys(name: string, value: string): FieldKey[] {
  const entries = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new ConfigError(name, 'needs at least one id:base64key entry');
  const seen = new Set<string>();
  return entries.map((entry) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!FIELD_KEY_ID.test(id)) {
      throw new ConfigError(name, 'each entry must be id:base64key with an id of letters, digits, _ or - (max 32)');
    }
    if (seen.has(id)) throw new ConfigError(name, `key id "${id}" appears twice`);
    seen.add(id);
    return { id, key: parseKey32(`${name} (key "${id}")`, entry.slice(separator + 1)) };
  });
}

function assertP256(name: string, key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new ConfigError(name, 'must be an EC P-256 key (ES256)');
  }
  return key;
}

/** Env files often carry PEMs on one line with literal "\n"; accept both forms. */
function unescapePem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

export function parseEcPrivateKey(name: string, value: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: unescapePem(value), format: 'pem' });
  } catch {
    throw new ConfigError(name, 'is not a parseable PEM private key');
  }
  return assertP256(name, key);
}

export function parseEcPublicKeys(name: string, value: string): KeyObject[] {
  const pems = unescapePem(value).match(/-----BEGIN [A-Z ]+-----[\s\S]+?-----END [A-Z ]+-----/g);
  if (!pems) throw new ConfigError(name, 'contains no PEM block');
  return pems.map((pem) => {
    let key: KeyObject;
    try {
      // A private key also yields its public half; accept either so a retired key file can be reused.
      key = createPublicKey({ key: pem, format: 'pem' });
    } catch {
      throw new ConfigError(name, 'contains a PEM block that is not a parseable key');
    }
    return assertP256(name, key);
  });
}
