import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';

/**
 * The single-instance StateStore adapter (docs/architecture.md#shared-state-through-one-port) behind lockouts and token revocations:
 * entries expire on time (a revocation outlives the access token, a lockout ends), and a
 * counter's window is fixed by its first increment, so steady failures cannot keep extending it
 * past LOGIN_LOCKOUT_SECONDS and attempts spread over the window still add up (ASVS 6.3.1).
 */
describe('in-memory state store', () => {
  let now: number;
  let store: InMemoryStateStore;
  const advance = (ms: number) => {
    now += ms;
  };

  beforeEach(() => {
    now = 1_700_000_000_000;
    store = new InMemoryStateStore(() => now);
  });
  afterEach(() => store.onModuleDestroy());

  it('returns a value until its ttl has passed, then nothing', async () => {
    assert.equal(await store.get('revoked-session:a'), undefined);
    await store.set('revoked-session:a', '1', 900);
    assert.equal(await store.get('revoked-session:a'), '1');
    advance(900_000 - 1);
    assert.equal(await store.get('revoked-session:a'), '1', 'still there 1 ms before expiry');
    advance(1);
    assert.equal(await store.get('revoked-session:a'), undefined, 'gone at expiry');
  });

  it('restarts the expiry when a key is set again', async () => {
    await store.set('k', 'first', 10);
    advance(8_000);
    await store.set('k', 'second', 10);
    advance(8_000);
    assert.equal(await store.get('k'), 'second');
    advance(2_000);
    assert.equal(await store.get('k'), undefined);
  });

  it('counts increments within the window fixed by the first one', async () => {
    assert.equal(await store.increment('login-failures:x', 60), 1);
    advance(50_000);
    assert.equal(await store.increment('login-failures:x', 60), 2);
    assert.equal(await store.increment('login-failures:x', 600), 3, 'a later ttl does not move the window');
    advance(9_999);
    assert.equal(await store.get('login-failures:x'), '3');
    advance(1);
    assert.equal(await store.get('login-failures:x'), undefined, 'the window ends 60 s after the first increment');
    assert.equal(await store.increment('login-failures:x', 60), 1, 'a new window starts from 1');
  });

  it('keeps keys apart and deletes one without touching the others', async () => {
    await store.set('login-locked:a', '1', 60);
    await store.set('login-locked:b', '1', 60);
    await store.increment('login-failures:a', 60);
    await store.delete('login-locked:a');
    await store.delete('login-failures:a');
    await store.delete('never-set');
    assert.equal(await store.get('login-locked:a'), undefined);
    assert.equal(await store.get('login-locked:b'), '1');
    assert.equal(await store.increment('login-failures:a', 60), 1, 'a deleted counter starts again');
  });
});
