import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientAddress } from '../../src/rate-limit/client-address.js';
import { credentialFingerprint, principalTracker, trackerFor } from '../../src/rate-limit/client-tracker.js';
import { KnownCredentials } from '../../src/rate-limit/known-credentials.cache.js';

/**
 * Tracker derivation for the `default` rate limit (OWASP API4:2023): the throttle guard runs
 * before authentication, so what a credential claims is never trusted; a credential counts as
 * its user or key only after it has authenticated, otherwise the client address counts.
 */
describe('rate-limit tracker derivation', () => {
  it('fingerprints the presented credential without keeping it, and nothing when none is presented', () => {
    assert.equal(credentialFingerprint({}), undefined);
    const bearer = credentialFingerprint({ authorization: 'Bearer abc.def.ghi' });
    assert.match(bearer ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!(bearer ?? '').includes('abc'));
    assert.equal(credentialFingerprint({ authorization: 'Bearer abc.def.ghi' }), bearer, 'stable');
    assert.notEqual(credentialFingerprint({ authorization: 'Bearer abc.def.ghj' }), bearer);
    assert.notEqual(credentialFingerprint({ 'x-api-key': 'Bearer abc.def.ghi' }), bearer, 'header names count');
  });

  it('counts an unknown or forged credential against the client address', () => {
    const known = new Map([['seen', 'user:u1']]);
    const lookup = (fp: string) => known.get(fp);
    assert.equal(trackerFor('192.0.2.7', undefined, lookup), 'ip:192.0.2.7');
    assert.equal(trackerFor('192.0.2.7', 'never-authenticated', lookup), 'ip:192.0.2.7');
    assert.equal(trackerFor('192.0.2.7', 'seen', lookup), 'user:u1');
  });

  it('names one bucket per user (all sessions) and one per API key', () => {
    const user = {
      kind: 'user',
      userId: 'u1',
      role: 'user',
      sessionId: 's1',
      tokenId: 't1',
      tokenExpiresAt: 0,
      amr: ['pwd'],
      authTime: 0,
    } as const;
    const key = { kind: 'apiKey', keyId: 'k1', userId: 'u1', role: 'user', scopes: [] } as const;
    assert.equal(principalTracker(user), 'user:u1');
    assert.equal(principalTracker({ ...user, sessionId: 's2' }), 'user:u1');
    assert.equal(principalTracker(key), 'key:k1');
  });

  it('keys addresses by IPv4, folds IPv4-mapped IPv6, and keys IPv6 by its /64', () => {
    assert.equal(clientAddress('203.0.113.9'), '203.0.113.9');
    assert.equal(clientAddress('::ffff:203.0.113.9'), '203.0.113.9');
    assert.equal(clientAddress('2001:db8:1:2:aaaa::1'), clientAddress('2001:db8:1:2:bbbb::2'));
    assert.notEqual(clientAddress('2001:db8:1:2::1'), clientAddress('2001:db8:1:3::1'));
    assert.equal(clientAddress(undefined), 'unknown');
  });
});

describe('known credentials cache', () => {
  it('remembers a credential for 15 minutes', () => {
    let now = 0;
    const cache = new KnownCredentials(() => now);
    cache.remember('fp', 'user:u1');
    now += 15 * 60 * 1000 - 1;
    assert.equal(cache.trackerOf('fp'), 'user:u1');
    now += 1;
    assert.equal(cache.trackerOf('fp'), undefined);
  });

  it('stays bounded, evicting the least recently used entry', () => {
    const cache = new KnownCredentials();
    for (let i = 0; i < 10_000; i++) cache.remember(`fp${i}`, `user:${i}`);
    assert.equal(cache.trackerOf('fp0'), 'user:0', 'touching fp0 makes it recent');
    cache.remember('one-more', 'user:x');
    assert.equal(cache.size, 10_000);
    assert.equal(cache.trackerOf('fp1'), undefined, 'the least recently used entry went');
    assert.equal(cache.trackerOf('fp0'), 'user:0');
  });
});
