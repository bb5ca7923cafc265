import type { OnModuleDestroy } from '@nestjs/common';
import type { StateStore } from './state-store.js';
import { StateStoreUnavailableError } from './state-store-unavailable.error.js';

/**
 * For counters whose loss is tolerable (rate limits, IDS counts and blocks): Redis first; while
 * Redis is unreachable, this instance's memory. Why not fail closed: refusing every request
 * during a Redis outage would turn a cache failure into a full outage (OWASP API4:2023 is about
 * keeping the service available). Why not fail open: clients would be unlimited exactly when an
 * attacker may have caused the outage. Per-instance limits keep every client limited, at worst
 * to N times the limit across N instances, until Redis is back. Decisions that protect
 * accounts and tokens never use this class: they fail closed (state-store-unavailable.error.ts).
 * Whether Redis is degraded is the circuit breaker's to say and log (circuit-breaker.ts), once per
 * transition; this class only decides, per operation, where the counter lives.
 */
export class FallbackStateStore implements StateStore, OnModuleDestroy {
  constructor(
    private readonly primary: StateStore,
    private readonly local: StateStore & Partial<OnModuleDestroy>,
  ) {}

  async onModuleDestroy(): Promise<void> {
    await this.local.onModuleDestroy?.();
  }

  get(key: string): Promise<string | undefined> {
    return this.attempt((store) => store.get(key));
  }

  set(key: string, value: string, ttlSeconds: number): Promise<void> {
    return this.attempt((store) => store.set(key, value, ttlSeconds));
  }

  increment(key: string, ttlSeconds: number): Promise<number> {
    return this.attempt((store) => store.increment(key, ttlSeconds));
  }

  delete(key: string): Promise<void> {
    return this.attempt((store) => store.delete(key));
  }

  private async attempt<T>(operation: (store: StateStore) => Promise<T>): Promise<T> {
    try {
      return await operation(this.primary);
    } catch (error) {
      if (!(error instanceof StateStoreUnavailableError)) throw error;
      return operation(this.local);
    }
  }
}
