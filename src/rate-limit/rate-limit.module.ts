import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { COUNTER_STATE_STORE, type StateStore } from '../shared-state/state-store.js';
import { KnownCredentials } from './known-credentials.cache.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { rateLimitOptions } from './rate-limit.options.js';

/**
 * Rate limiting (@nestjs/throttler) as a global guard. Global guards run in the order their
 * modules are scanned, so AppModule imports this module before AuthModule and this module
 * imports nothing that imports AuthModule: the limit is checked before authentication
 * (test/e2e/rate-limiting.e2e.test.ts proves it: an over-limit anonymous client gets 429, not 401).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, COUNTER_STATE_STORE],
      useFactory: (config: AppConfig, store: StateStore) => rateLimitOptions(config, store),
    }),
  ],
  providers: [
    { provide: KnownCredentials, useFactory: () => new KnownCredentials() },
    { provide: APP_GUARD, useClass: RateLimitGuard },
  ],
})
export class RateLimitModule {}
