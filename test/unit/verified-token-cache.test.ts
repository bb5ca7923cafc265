import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { VerifiedTokenCache, type VerifiedClaims } from '../../src/auth/tokens/verified-token.cache.js';

const T0 = 1_800_000_000;

function claims(overrides: Partial<VerifiedClaims> = {}): VerifiedClaims {
  return {
    sub: 'user',
    jti: 'jti',
    sid: 'sid',
    tv: 0,
    iat: T0,
    exp: T0 + 900,
    nbf: undefined,
    kid: 'kid',
    jkt: undefined,
    ...overrides,
  };
}

function cache(clock: { seconds: number }, maxEntries = 100): VerifiedTokenCache {
  return new VerifiedTokenCache({ maxEntries, clockToleranceSeconds: 5, now: () => clock.seconds * 1000 });
}

/**
 * The cache of verified access tokens (src/auth/tokens/verified-token.cache.ts) may only save
 * signature work: a token must stop counting the moment it expires, exactly as the verifier
 * would refuse it, and memory stays bounded. Revocation, user state and key checks run on every
 * request in the strategy and are proven by the e2e suites (logout, disable, key rotation).
 */
describe('verified access-token cache', () => {
  it('returns the claims of a remembered token, and nothing for other bytes', () => {
    const clock = { seconds: T0 };
    const verified = cache(clock);
    verified.remember('token-a', claims());
    assert.deepEqual(verified.get('token-a'), claims());
    assert.equal(verified.get('token-b'), undefined);
    assert.equal(verified.get('token-a '), undefined, 'a different string is a different token');
  });

  it('stops at expiry with the verifier’s clock tolerance, and forgets the entry', () => {
    const clock = { seconds: T0 + 900 + 4 };
    const verified = cache(clock);
    verified.remember('token', claims());
    assert.ok(verified.get('token'), 'within the 5 s tolerance, as jsonwebtoken accepts it');
    clock.seconds = T0 + 900 + 5;
    assert.equal(verified.get('token'), undefined, 'jsonwebtoken refuses at exp + tolerance, so does the cache');
    assert.equal(verified.size, 0);
  });

  it('does not answer for a token that is not yet valid (nbf), so full verification refuses it', () => {
    const clock = { seconds: T0 };
    const verified = cache(clock);
    verified.remember('token', claims({ nbf: T0 + 60 }));
    assert.equal(verified.get('token'), undefined);
    clock.seconds = T0 + 56;
    assert.ok(verified.get('token'));
  });

  it('keeps at most maxEntries, evicting the least recently used', () => {
    const clock = { seconds: T0 };
    const verified = cache(clock, 2);
    verified.remember('a', claims({ jti: 'a' }));
    verified.remember('b', claims({ jti: 'b' }));
    assert.ok(verified.get('a'), 'a is now the most recently used');
    verified.remember('c', claims({ jti: 'c' }));
    assert.equal(verified.size, 2);
    assert.equal(verified.get('b'), undefined, 'b was the least recently used');
    assert.equal(verified.get('a')?.jti, 'a');
    assert.equal(verified.get('c')?.jti, 'c');
  });
});
