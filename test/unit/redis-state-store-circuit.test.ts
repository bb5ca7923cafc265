import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RedisStateStore } from '../../src/shared-state/redis-state-store.js';
import { StateStoreUnavailableError } from '../../src/shared-state/state-store-unavailable.error.js';
import { FakeRedis } from '../support/fake-redis.js';
import { waitFor } from '../support/tls-client.js';

const quiet = { warn: () => undefined, info: () => undefined };
const circuitOpen = (error: unknown) => error instanceof StateStoreUnavailableError && /circuit open/.test(error.reason);

/**
 * The Redis adapter consults its breaker (src/shared-state/redis-state-store.ts), proven without
 * a Redis server: a minimal RESP server on loopback that can hang, so this runs in `npm test`.
 * test/multi/redis-hang.test.ts proves the same end to end, per route class, with a real Redis.
 */
describe('Redis state store behind its circuit breaker', () => {
  let fake: FakeRedis;
  let store: RedisStateStore;
  const degraded: boolean[] = [];

  before(async () => {
    fake = await FakeRedis.start();
    store = new RedisStateStore(`redis://127.0.0.1:${fake.port}`, 'test:', quiet, { failureThreshold: 3, probeIntervalMs: 100 });
    store.circuit.onChange(({ degraded: now }) => degraded.push(now));
    await store.onModuleInit();
  });
  after(async () => {
    store.onApplicationShutdown();
    await fake.close();
  });

  it('sends commands to Redis while it answers', async () => {
    assert.equal(await store.get('k'), undefined);
    assert.deepEqual(fake.commands.at(-1), ['get', 'test:k']);
  });

  it('after three timed-out commands refuses at once, sending nothing to Redis, until a probe is answered', async () => {
    fake.hang();
    const timedOut = await Promise.allSettled([store.get('a'), store.increment('b', 60), store.set('c', '1', 60)]);
    assert.ok(timedOut.every((r) => r.status === 'rejected' && r.reason instanceof StateStoreUnavailableError));
    assert.equal(store.circuit.degraded, true);
    const reached = fake.commands.filter((c) => c[0] !== 'ping').length;
    await assert.rejects(store.get('d'), circuitOpen);
    await assert.rejects(store.increment('d', 60), circuitOpen);
    await assert.rejects(store.delete('d'), circuitOpen);
    await assert.rejects(store.ping(), circuitOpen, 'readiness does not wait either');
    assert.equal(fake.commands.filter((c) => c[0] !== 'ping').length, reached, 'nothing but probes reached Redis while open');

    fake.release();
    await waitFor(() => !store.circuit.degraded, 5000, 'a probe to close the circuit');
    assert.equal(await store.increment('e', 60), 1);
    assert.deepEqual(degraded, [true, false], 'one report per transition');
  });

  it('opens as soon as the connection is lost, and closes when the client is back', async () => {
    fake.dropConnections();
    await waitFor(() => store.circuit.degraded, 5000, 'the circuit to open on close');
    await waitFor(() => !store.circuit.degraded, 5000, 'the reconnect to close it');
    assert.equal(await store.get('k'), undefined);
    assert.deepEqual(degraded, [true, false, true, false]);
  });
});
