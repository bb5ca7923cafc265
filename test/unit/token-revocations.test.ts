import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenRevocations } from '../../src/auth/tokens/token-revocations.js';
import type { AppConfig } from '../../src/config/app-config.js';
import type { StateStore } from '../../src/shared-state/state-store.js';
import { StateStoreUnavailableError } from '../../src/shared-state/state-store-unavailable.error.js';

/** A store that is up or down at the test's command, keeping what it was given while up. */
class SwitchableStore implements StateStore {
  up = true;
  readonly entries = new Map<string, string>();
  private check(): void {
    if (!this.up) throw new StateStoreUnavailableError('test: down');
  }
  async get(key: string) {
    this.check();
    return this.entries.get(key);
  }
  async set(key: string, value: string) {
    this.check();
    this.entries.set(key, value);
  }
  async increment(): Promise<number> {
    this.check();
    return 1;
  }
  async delete(key: string) {
    this.check();
    this.entries.delete(key);
  }
}

const config = { jwt: { accessTtlSeconds: 900 } } as unknown as AppConfig;

/**
 * The revocation list never answers "not revoked" wrongly: a committed revocation
 * the store did not take is answered from memory, and after an outage every check fails closed
 * until the re-arm from the database completed.
 */
describe('token revocations', () => {
  it('answers a committed revocation the store could not take from memory, until it is written', async () => {
    const store = new SwitchableStore();
    const revocations = new TokenRevocations(store, config);
    store.up = false;
    await assert.rejects(revocations.revokeSession('s1'), StateStoreUnavailableError);
    revocations.rememberUnpublished('s1', new Date());
    assert.equal(await revocations.isSessionRevoked('s1'), true, 'revoked, without asking the store');
    store.up = true;
    await revocations.revokeSession('s1');
    assert.equal(revocations.unpublishedCount, 0);
    assert.equal(await revocations.isSessionRevoked('s1'), true, 'now from the store');
  });

  it('fails closed while stale, and only the re-arm begun after the latest outage clears it', async () => {
    const store = new SwitchableStore();
    const revocations = new TokenRevocations(store, config);
    revocations.markStale();
    const early = revocations.epoch;
    await assert.rejects(revocations.isSessionRevoked('live'), StateStoreUnavailableError);
    revocations.markStale();
    revocations.markSynced(early);
    await assert.rejects(revocations.isSessionRevoked('live'), StateStoreUnavailableError, 'an older re-arm cleared it');
    revocations.markSynced(revocations.epoch);
    assert.equal(await revocations.isSessionRevoked('live'), false);
  });

  it('keeps an entry until the last token of the session can no longer verify (TTL + 2 × 5 s tolerance + 1 s)', () => {
    const revocations = new TokenRevocations(new SwitchableStore(), config);
    const revokedAt = new Date(1_700_000_000_000);
    // A signer 5 s ahead issues exp = t + TTL + 5; the verifier accepts it until exp + 5; claims are whole seconds.
    assert.equal(revocations.remainingSeconds(revokedAt, revokedAt.getTime()), 911);
    assert.equal(revocations.remainingSeconds(revokedAt, revokedAt.getTime() + 910_000), 1);
    assert.equal(revocations.remainingSeconds(revokedAt, revokedAt.getTime() + 911_000), 0);
  });
});
