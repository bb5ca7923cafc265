import { Module } from '@nestjs/common';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { COUNTER_STATE_STORE, type StateStore } from '../shared-state/state-store.js';
import { KnownCredentials } from './known-credentials.cache.js';
import { RateLimitGuard } from './rate-limit.guard.js';
import { rateLimitOptions } from './rate-limit.options.js';

/**
 * Rate limiting (@nestjs/throttler). Its guard runs before authentication, as src/request-pipeline.ts
 * lists it (test/e2e/rate-limiting.e2e.test.ts proves it: an over-limit anonymous client gets 429,
 * not 401).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG, COUNTER_STATE_STORE],
      useFactory: (config: AppConfig, store: StateStore) => rateLimitOptions(config, store),
    }),
  ],
  providers: [{ provide: KnownCredentials, useFactory: () => new KnownCredentials() }, RateLimitGuard],
  exports: [RateLimitGuard],
})
export class RateLimitModule {}
