import { Global, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { FallbackStateStore } from './fallback-state-store.js';
import { InMemoryStateStore } from './in-memory-state-store.js';
import { redisKeyPrefix } from './redis-key-prefix.js';
import { RedisStateStore } from './redis-state-store.js';
import { COUNTER_STATE_STORE, SHARED_STATE_PROBE, STATE_STORE, type SharedStateProbe, type StateStore } from './state-store.js';

/**
 * Provides the StateStore port: Redis when REDIS_URL is set (several instances behave as one),
 * otherwise this process's memory. COUNTER_STATE_STORE is the same store, except that with Redis
 * it falls back to local memory during an outage (rate limits, IDS); STATE_STORE fails closed.
 */
@Global()
@Module({
  providers: [
    {
      provide: STATE_STORE,
      inject: [APP_CONFIG, PinoLogger],
      useFactory: (config: AppConfig, logger: PinoLogger): StateStore => {
        if (config.redisUrl === undefined) return new InMemoryStateStore();
        logger.setContext('SharedState');
        return new RedisStateStore(config.redisUrl, redisKeyPrefix(config.apiKeyPepper), logger);
      },
    },
    {
      provide: COUNTER_STATE_STORE,
      inject: [STATE_STORE, PinoLogger, MetricsRegistry],
      useFactory: (store: StateStore, logger: PinoLogger, metrics: MetricsRegistry): StateStore => {
        if (!(store instanceof RedisStateStore)) return store;
        logger.setContext('SharedState');
        return new FallbackStateStore(store, new InMemoryStateStore(), (event) => {
          metrics.sharedStateDegraded.set(event === 'degraded' ? 1 : 0);
          if (event === 'degraded') logger.warn('shared state: using per-instance counters until Redis answers again');
          else logger.info('shared state: counters back on Redis');
        });
      },
    },
    {
      provide: SHARED_STATE_PROBE,
      inject: [STATE_STORE],
      useFactory: (store: StateStore): SharedStateProbe => (store instanceof RedisStateStore ? () => store.ping() : null),
    },
  ],
  exports: [STATE_STORE, COUNTER_STATE_STORE, SHARED_STATE_PROBE],
})
export class SharedStateModule {}
