import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TokenRevocations } from '../../src/auth/tokens/token-revocations.js';
import {
  CLOCK_TOLERANCE_SECONDS,
  revocationLifetimeSeconds,
  withinIssuanceWindow,
} from '../../src/auth/tokens/token-time-window.js';
import type { AppConfig } from '../../src/config/app-config.js';
import { InMemoryStateStore } from '../../src/shared-state/in-memory-state-store.js';

const TTL = 900;
const NOW = 1_800_000_000;

/**
 * The time rules of access tokens (src/auth/tokens/token-time-window.ts): which iat/exp a verifier
 * accepts, and how long a revocation must therefore be kept. Pure functions and a store on a
 * fake clock: no waiting, no timed assertions.
 */
describe('access-token time window', () => {
  it('accepts what we issue, with iat up to the clock tolerance ahead', () => {
    assert.equal(withinIssuanceWindow({ iat: NOW, exp: NOW + TTL }, TTL, NOW), true);
    assert.equal(withinIssuanceWindow({ iat: NOW - 600, exp: NOW + 300 }, TTL, NOW), true);
    const ahead = NOW + CLOCK_TOLERANCE_SECONDS;
    assert.equal(withinIssuanceWindow({ iat: ahead, exp: ahead + TTL }, TTL, NOW), true, 'a signer clock 5 s ahead');
  });

  it('refuses iat beyond the tolerance, exp beyond now + TTL + tolerance, and lifetimes above the TTL', () => {
    const ahead = NOW + CLOCK_TOLERANCE_SECONDS + 1;
    assert.equal(withinIssuanceWindow({ iat: ahead, exp: ahead + TTL }, TTL, NOW), false, 'iat in the future');
    assert.equal(withinIssuanceWindow({ iat: NOW + 86_400, exp: NOW + 86_400 + 60 }, TTL, NOW), false, 'a day ahead');
    assert.equal(withinIssuanceWindow({ iat: NOW, exp: NOW + TTL + 1 }, TTL, NOW), false, 'lifetime above the TTL');
    assert.equal(
      withinIssuanceWindow({ iat: NOW + 2, exp: NOW + TTL + CLOCK_TOLERANCE_SECONDS + 1 }, TTL, NOW),
      false,
      'exp past now + TTL + tolerance',
    );
  });

  it('keeps a revocation until the last second any token of the session can still verify', async () => {
    const clock = { ms: NOW * 1000 };
    const store = new InMemoryStateStore(() => clock.ms);
    const revocations = new TokenRevocations(store, { jwt: { accessTtlSeconds: TTL } } as unknown as AppConfig);
    try {
      // The latest-expiring token a revocation at NOW can face: issued now by a signer whose clock
      // runs the full tolerance ahead (the largest iat the window accepts), with the full lifetime.
      const iat = NOW + CLOCK_TOLERANCE_SECONDS;
      assert.equal(withinIssuanceWindow({ iat, exp: iat + TTL }, TTL, NOW), true);
      // jsonwebtoken accepts it while floor(now) < exp + tolerance.
      const lastAcceptedSecond = iat + TTL + CLOCK_TOLERANCE_SECONDS - 1;
      await revocations.revokeSession('sid');
      clock.ms = (lastAcceptedSecond + 0.999) * 1000;
      assert.equal(await revocations.isSessionRevoked('sid'), true, 'revocation gone while the token still verifies');
      clock.ms = (NOW + revocationLifetimeSeconds(TTL)) * 1000;
      assert.equal(await revocations.isSessionRevoked('sid'), false, 'the entry still ends: the list stays bounded');
    } finally {
      store.onModuleDestroy();
    }
  });
});
