import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import type { AppConfig } from '../config/app-config.js';
import type { StateStore } from '../shared-state/state-store.js';
import { hasAuthRateLimit } from './auth-rate-limit.decorator.js';
import { clientAddress } from './client-address.js';
import { StateStoreThrottlerStorage } from './state-store-throttler.storage.js';

/**
 * Two named throttlers (docs/configuration.md):
 * - `default`: THROTTLE_DEFAULT_LIMIT requests per THROTTLE_DEFAULT_TTL seconds per client, on
 *   every route (tracker: see client-tracker.ts);
 * - `auth`: THROTTLE_AUTH_LIMIT per THROTTLE_AUTH_TTL per client address, only on routes marked
 *   @AuthRateLimit() (register, login, refresh), one bucket for all of them.
 * Keys are `<throttler>:<tracker>`: one bucket per client across routes, not one per route (the
 * package's default), so spreading requests over routes gains nothing.
 */
export function rateLimitOptions(config: AppConfig, store: StateStore): ThrottlerModuleOptions {
  const { defaultLimit, defaultTtlSeconds, authLimit, authTtlSeconds } = config.throttle;
  return {
    storage: new StateStoreThrottlerStorage(store),
    generateKey: (_context: ExecutionContext, tracker: string, name: string) => `${name}:${tracker}`,
    throttlers: [
      { name: 'default', limit: defaultLimit, ttl: defaultTtlSeconds * 1000 },
      {
        name: 'auth',
        limit: authLimit,
        ttl: authTtlSeconds * 1000,
        skipIf: (context: ExecutionContext) => !hasAuthRateLimit(context.getHandler()),
        getTracker: (req: Record<string, unknown>) => `ip:${clientAddress((req as unknown as Request).ip)}`,
      },
    ],
  };
}
