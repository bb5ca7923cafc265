import { generateKeyPairSync, randomBytes } from 'node:crypto';

/**
 * Fresh secrets from the CSPRNG for every secret variable of the configuration. Used by
 * `cli generate-secrets` (production) and by development boot (missing secrets only).
 */
export function generateFieldKeyId(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `k${day}${randomBytes(2).toString('hex')}`;
}

export function generateSecrets(): Record<
  'JWT_PRIVATE_KEY' | 'FIELD_ENCRYPTION_KEYS' | 'BLIND_INDEX_KEY' | 'API_KEY_PEPPER',
  string
> {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    JWT_PRIVATE_KEY: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    FIELD_ENCRYPTION_KEYS: `${generateFieldKeyId()}:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    API_KEY_PEPPER: randomBytes(32).toString('base64'),
  };
}
