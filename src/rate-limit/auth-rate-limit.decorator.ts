import { SetMetadata } from '@nestjs/common';

export const AUTH_RATE_LIMIT_KEY = 'rate-limit:auth';

/**
 * Puts a public route under the `auth` throttler too (THROTTLE_AUTH_LIMIT per THROTTLE_AUTH_TTL
 * per client address, one bucket shared by every route so marked): credential stuffing and
 * password spraying (OWASP API2:2023, ASVS 6.3.1), account-creation floods and refresh-token
 * guessing cost the attacker a window per few attempts.
 */
export const AuthRateLimit = () => SetMetadata(AUTH_RATE_LIMIT_KEY, true);

export function hasAuthRateLimit(handler: Function): boolean {
  return Reflect.getMetadata(AUTH_RATE_LIMIT_KEY, handler) === true;
}
