import { Global, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { FallbackStateStore } from './fallback-state-store.js';
import { InMemoryStateStore } from './in-memory-state-store.js';
import { redisKeyPrefix } from './redis-key-prefix.js';
import { RedisStateStore } from './redis-state-store.js';
import {
  COUNTER_STATE_STORE,
  SHARED_STATE_CIRCUIT,
  STATE_STORE,
  type SharedStateCircuit,
  type StateStore,
} from './state-store.js';

/**
 * Provides the StateStore port: Redis when REDIS_URL is set (several instances behave as one),
 * otherwise this process's memory. COUNTER_STATE_STORE is the same store, except that with Redis
 * it falls back to local memory during an outage (rate limits, IDS); STATE_STORE fails closed.
 * With Redis, a circuit breaker makes both answer at once while Redis is not answering.
 */
@Global()
@Module({
  providers: [
    {
      provide: STATE_STORE,
      inject: [APP_CONFIG, PinoLogger, MetricsRegistry],
      useFactory: (config: AppConfig, logger: PinoLogger, metrics: MetricsRegistry): StateStore => {
        if (config.redisUrl === undefined) return new InMemoryStateStore();
        logger.setContext('SharedState');
        const store = new RedisStateStore(config.redisUrl, redisKeyPrefix(config.apiKeyPepper), logger, config.redisCircuit);
        store.circuit.onChange(({ degraded }) => metrics.sharedStateDegraded.set(degraded ? 1 : 0));
        return store;
      },
    },
    {
      provide: COUNTER_STATE_STORE,
      inject: [STATE_STORE],
      useFactory: (store: StateStore): StateStore =>
        store instanceof RedisStateStore ? new FallbackStateStore(store, new InMemoryStateStore()) : store,
    },
    {
      provide: SHARED_STATE_CIRCUIT,
      inject: [STATE_STORE],
      useFactory: (store: StateStore): SharedStateCircuit | null =>
        store instanceof RedisStateStore
          ? {
              get degraded() {
                return store.circuit.degraded;
              },
              ping: () => store.ping(),
              onChange: (listener) => store.circuit.onChange(listener),
            }
          : null,
    },
  ],
  exports: [STATE_STORE, COUNTER_STATE_STORE, SHARED_STATE_CIRCUIT],
})
export class SharedStateModule {}
