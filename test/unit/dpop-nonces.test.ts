import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { DPOP_NONCE_LIFETIME_SECONDS, DpopNonces } from '../../src/dpop/dpop-nonces.js';
import type { AppConfig } from '../../src/config/app-config.js';

const nonces = (pepper: Buffer) => new DpopNonces({ apiKeyPepper: pepper } as AppConfig);

/** Server nonces (RFC 9449 §9): any instance of one deployment accepts them while fresh, nothing else does. */
describe('DPoP server nonces', () => {
  const pepper = randomBytes(32);
  const t0 = 1_800_000_000_000;

  it('accepts a nonce on another instance of the same deployment while it is fresh', () => {
    const nonce = nonces(pepper).issue(t0);
    assert.match(nonce, /^[A-Za-z0-9_-]+$/);
    const other = nonces(Buffer.from(pepper));
    assert.equal(other.isFresh(nonce, t0), true);
    assert.equal(other.isFresh(nonce, t0 + DPOP_NONCE_LIFETIME_SECONDS * 1000), true);
  });

  it("refuses an aged nonce, one from the future, another deployment's and a tampered one", () => {
    const issuer = nonces(pepper);
    const nonce = issuer.issue(t0);
    assert.equal(issuer.isFresh(nonce, t0 + (DPOP_NONCE_LIFETIME_SECONDS + 1) * 1000), false);
    assert.equal(issuer.isFresh(nonce, t0 - 2000), false);
    assert.equal(nonces(randomBytes(32)).isFresh(nonce, t0), false);
    const raw = Buffer.from(nonce, 'base64url');
    raw[0]! ^= 1;
    assert.equal(issuer.isFresh(raw.toString('base64url'), t0), false);
    for (const junk of [undefined, 42, '', 'x'.repeat(100), `${nonce}=`]) assert.equal(issuer.isFresh(junk, t0), false);
  });
});
