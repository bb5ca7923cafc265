import { createHmac } from 'node:crypto';

/**
 * The namespace of this deployment's keys in a shared Redis: `sna:<12 hex>:`, derived from
 * API_KEY_PEPPER. Every instance of one deployment must share the pepper (or API keys would not
 * verify), so they share the namespace with no extra setting; another deployment or test run
 * (different secrets) on the same Redis never sees these keys. The HMAC reveals nothing about
 * the pepper (ASVS 11.2: derived values, not the key itself).
 */
export function redisKeyPrefix(apiKeyPepper: Buffer): string {
  const tag = createHmac('sha256', apiKeyPepper).update('redis-key-prefix').digest('hex').slice(0, 12);
  return `sna:${tag}:`;
}
