import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { bearer, login, registerUser } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ACCESS_TTL = 30; // the smallest JWT_ACCESS_TTL the configuration accepts

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { iat: number; exp: number; sid: string };

/**
 * A logged-out access token must stay refused until it can no longer verify at all (OWASP
 * API2:2023; ASVS 7.4.1). The verifier accepts a token until exp + 5 s (clock
 * tolerance); a revocation entry kept exactly JWT_ACCESS_TTL from logout expired first, and a
 * token logged out right after it was issued worked again for its last seconds. This test waits
 * for that window in real time (about 33 s), on the passport path and the verified-token fast path.
 */
describe('a revoked session stays revoked until its tokens expire for good', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ JWT_ACCESS_TTL: String(ACCESS_TTL) });
  });
  after(async () => t.close());

  it('refuses a logged-out token in the last seconds of its clock tolerance', async () => {
    const account = await registerUser(t, 'revocation-tail');
    const first = await login(t, account);
    const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    // Two tokens of one session: `cached` is verified once (the fast path answers for it later),
    // `fresh` never is (passport-jwt verifies it in full after the logout).
    const cached = first.accessToken;
    const fresh = refreshed.body.accessToken as string;
    assert.equal(claimsOf(fresh).sid, claimsOf(cached).sid);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(cached))).status, 200);
    assert.equal(
      (
        await t.http
          .post('/api/v1/auth/logout')
          .set(...bearer(cached))
          .send({})
      ).status,
      204,
    );
    const loggedOutAt = Date.now() / 1000;

    // Past JWT_ACCESS_TTL after the logout, still before exp + 5 s of both tokens.
    const at = Math.max(loggedOutAt + ACCESS_TTL + 1, claimsOf(fresh).exp + 1.5);
    assert.ok(at < Math.min(claimsOf(cached).exp, claimsOf(fresh).exp) + 4.5, 'the test window exists');
    await delay((at - Date.now() / 1000) * 1000);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(cached))).status, 401, 'fast path: worked again');
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(fresh))).status, 401, 'passport path: worked again');
  });
});
