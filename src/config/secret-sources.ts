import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { readOptional, type Env } from './env-parsers.js';

/**
 * Variables that may hold secrets. Each may instead be given as a path in `<NAME>_FILE`
 * (Docker/Kubernetes secrets), so the value never has to sit in the process environment.
 */
export const SECRET_VARIABLES = [
  'JWT_PRIVATE_KEY',
  'JWT_PREVIOUS_PUBLIC_KEYS',
  'FIELD_ENCRYPTION_KEYS',
  'BLIND_INDEX_KEY',
  'API_KEY_PEPPER',
  'DATABASE_URL',
  'REDIS_URL',
  'BOOTSTRAP_ADMIN_PASSWORD',
  'SMTP_URL',
] as const;

export type SecretVariable = (typeof SECRET_VARIABLES)[number];

export function readSecret(env: Env, name: SecretVariable): string | undefined {
  const direct = readOptional(env, name);
  const file = readOptional(env, `${name}_FILE`);
  if (direct !== undefined && file !== undefined) {
    throw new ConfigError(name, `set either ${name} or ${name}_FILE, not both`);
  }
  if (file === undefined) return direct;
  try {
    const content = readFileSync(file, 'utf8').trim();
    if (content === '') throw new ConfigError(`${name}_FILE`, 'points to an empty file');
    return content;
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`${name}_FILE`, 'cannot be read');
  }
}
