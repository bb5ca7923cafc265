import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { StateStoreThrottlerStorage } from '../../src/rate-limit/state-store-throttler.storage.js';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';
import type { StateStore } from '../../src/shared-state/state-store.js';

/** Counts the store operations a storage performs. */
class CountingStore implements StateStore {
  operations = 0;
  constructor(private readonly inner: StateStore) {}
  get(key: string) {
    this.operations++;
    return this.inner.get(key);
  }
  set(key: string, value: string, ttl: number) {
    this.operations++;
    return this.inner.set(key, value, ttl);
  }
  increment(key: string, ttl: number) {
    this.operations++;
    return this.inner.increment(key, ttl);
  }
  delete(key: string) {
    this.operations++;
    return this.inner.delete(key);
  }
}

const MINUTE = 60_000;

/**
 * The throttler storage over the StateStore port with the in-memory adapter (OWASP API4:2023):
 * a fixed window per key, refused past the limit until the window ends, and one store operation
 * per request however hot the key is (the package's default storage does O(limit) work).
 */
describe('state-store throttler storage', () => {
  let now: number;
  let memory: InMemoryStateStore;
  let store: CountingStore;
  let storage: StateStoreThrottlerStorage;

  beforeEach(() => {
    now = 1_700_000_000_000;
    memory = new InMemoryStateStore(() => now);
    store = new CountingStore(memory);
    storage = new StateStoreThrottlerStorage(store, () => now);
  });
  afterEach(() => memory.onModuleDestroy());

  it('counts hits and refuses past the limit, with the seconds left in the window', async () => {
    const records = [];
    for (let i = 0; i < 4; i++) records.push(await storage.increment('default:ip:a', MINUTE, 3, MINUTE, 'default'));
    assert.deepEqual(
      records.map((r) => [r.totalHits, r.isBlocked]),
      [
        [1, false],
        [2, false],
        [3, false],
        [4, true],
      ],
    );
    const refused = records[3]!;
    assert.ok(refused.timeToBlockExpire >= 1 && refused.timeToBlockExpire <= 60);
    assert.equal(refused.timeToBlockExpire, refused.timeToExpire);
    assert.equal(records[0]!.timeToBlockExpire, 0);
  });

  it('starts a fresh window when the old one ends, and Retry-After pointed at that moment', async () => {
    let last = await storage.increment('k', MINUTE, 1, MINUTE, 'default');
    last = await storage.increment('k', MINUTE, 1, MINUTE, 'default');
    assert.equal(last.isBlocked, true);
    now += last.timeToBlockExpire * 1000;
    const fresh = await storage.increment('k', MINUTE, 1, MINUTE, 'default');
    assert.deepEqual([fresh.totalHits, fresh.isBlocked], [1, false]);
  });

  it('keeps clients and throttlers apart', async () => {
    await storage.increment('default:ip:a', MINUTE, 1, MINUTE, 'default');
    assert.equal((await storage.increment('default:ip:a', MINUTE, 1, MINUTE, 'default')).isBlocked, true);
    assert.equal((await storage.increment('default:ip:b', MINUTE, 1, MINUTE, 'default')).isBlocked, false);
    assert.equal((await storage.increment('auth:ip:a', MINUTE, 1, MINUTE, 'auth')).isBlocked, false);
  });

  it('does one store operation per request and keeps one entry, however hot the key', async () => {
    for (let i = 0; i < 10_000; i++) await storage.increment('default:ip:hot', MINUTE, 100, MINUTE, 'default');
    assert.equal(store.operations, 10_000);
    const record = await storage.increment('default:ip:hot', MINUTE, 100, MINUTE, 'default');
    assert.equal(record.totalHits, 10_001);
    assert.equal(record.isBlocked, true);
  });
});
