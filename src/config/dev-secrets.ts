import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateSecrets } from './secret-generator.js';

/**
 * Development convenience: secrets that are not set are generated once and kept in a
 * git-ignored file, so `npm start` works with zero configuration and restarts keep sessions
 * and encrypted data readable. Never used when NODE_ENV=production.
 */
export const DEV_SECRETS_FILE = 'data/dev-secrets.json';

type GeneratedSecrets = ReturnType<typeof generateSecrets>;

export function loadOrCreateDevSecrets(path: string, persist: boolean): { secrets: GeneratedSecrets; created: boolean } {
  if (persist && existsSync(path)) {
    return { secrets: JSON.parse(readFileSync(path, 'utf8')) as GeneratedSecrets, created: false };
  }
  const secrets = generateSecrets();
  if (persist) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, JSON.stringify(secrets, null, 2), { mode: 0o600 });
    chmodSync(path, 0o600);
  }
  return { secrets, created: true };
}
