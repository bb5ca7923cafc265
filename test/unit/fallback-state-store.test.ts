import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FallbackStateStore } from '../../src/shared-state/fallback-state-store.js';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';
import { StateStoreUnavailableError } from '../../src/shared-state/state-store-unavailable.error.js';
import type { StateStore } from '../../src/shared-state/state-store.js';

/** A primary store that can be taken down, like an unreachable Redis. */
class SwitchableStore implements StateStore {
  down = false;
  failure: Error | undefined;
  constructor(private readonly inner: StateStore) {}
  private check(): void {
    if (this.failure) throw this.failure;
    if (this.down) throw new StateStoreUnavailableError('test: down');
  }
  async get(key: string) {
    this.check();
    return this.inner.get(key);
  }
  async set(key: string, value: string, ttl: number) {
    this.check();
    return this.inner.set(key, value, ttl);
  }
  async increment(key: string, ttl: number) {
    this.check();
    return this.inner.increment(key, ttl);
  }
  async delete(key: string) {
    this.check();
    return this.inner.delete(key);
  }
}

/**
 * The failure policy for counters (rate limits, IDS): while Redis is unreachable they live in
 * this instance's memory, so every client stays limited and the service stays up; decisions
 * on tokens and accounts never use this store (they fail closed with 503).
 */
describe('fallback state store (counters during a Redis outage)', () => {
  let sharedMemory: InMemoryStateStore;
  let primary: SwitchableStore;
  let local: InMemoryStateStore;
  let store: FallbackStateStore;

  beforeEach(() => {
    sharedMemory = new InMemoryStateStore();
    primary = new SwitchableStore(sharedMemory);
    local = new InMemoryStateStore();
    store = new FallbackStateStore(primary, local);
  });
  afterEach(async () => {
    sharedMemory.onModuleDestroy();
    await store.onModuleDestroy();
  });

  it('uses the primary while it answers', async () => {
    assert.equal(await store.increment('c', 60), 1);
    assert.equal(await sharedMemory.get('c'), '1');
    assert.equal(await local.get('c'), undefined);
  });

  it('keeps counting in local memory while the primary is down, and goes back to the primary when it answers', async () => {
    primary.down = true;
    assert.equal(await store.increment('c', 60), 1);
    assert.equal(await store.increment('c', 60), 2);
    await store.set('block', 'x', 60);
    assert.equal(await store.get('block'), 'x');
    assert.equal(await sharedMemory.get('c'), undefined, 'nothing reached the primary');
    primary.down = false;
    assert.equal(await store.increment('c', 60), 1, 'back on the primary');
    assert.equal(await sharedMemory.get('c'), '1');
  });

  it('does not hide errors other than unavailability', async () => {
    primary.failure = new TypeError('a bug');
    await assert.rejects(store.get('c'), TypeError);
  });

  it('maps unavailability to a 503 problem wherever it escapes a strict store', () => {
    const error = new StateStoreUnavailableError('redis get: connection refused');
    assert.equal(error.getStatus(), 503);
    assert.equal(error.problem.headers?.['Retry-After'], '5');
    assert.doesNotMatch(error.problem.detail ?? '', /redis|connection/i, 'the cause is never sent');
  });
});
