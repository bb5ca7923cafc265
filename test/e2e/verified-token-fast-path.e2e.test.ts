import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { TokenRevocations } from '../../src/auth/tokens/token-revocations.js';
import { StateStoreUnavailableError } from '../../src/shared-state/state-store-unavailable.error.js';
import { bearer, login, registerUser, type Account } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * A bearer token the app accepted once takes the guard's fast path on later requests (no
 * passport, no signature check: src/access/authentication.guard.ts). Every check that can
 * change after the first acceptance must still apply on that path, at once.
 */
describe('a bearer token accepted before (the authentication fast path)', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  async function acceptedToken(prefix: string): Promise<{ account: Account; token: string }> {
    const account = await registerUser(t, prefix);
    const { accessToken } = await login(t, account);
    const me = await t.http.get('/api/v1/auth/me').set(...bearer(accessToken));
    assert.equal(me.status, 200);
    assert.equal(me.body.id, account.id, 'the fast path must attach the same principal');
    return { account, token: accessToken };
  }

  it('serves the same principal on every later request', async () => {
    const { account, token } = await acceptedToken('fast-repeat');
    for (let i = 0; i < 3; i++) {
      const me = await t.http.get('/api/v1/auth/me').set(...bearer(token));
      assert.equal(me.status, 200);
      assert.equal(me.body.id, account.id);
    }
  });

  it('refuses it at once after logout', async () => {
    const { token } = await acceptedToken('fast-logout');
    assert.equal(
      (
        await t.http
          .post('/api/v1/auth/logout')
          .set(...bearer(token))
          .send({})
      ).status,
      204,
    );
    const me = await t.http.get('/api/v1/auth/me').set(...bearer(token));
    assert.equal(me.status, 401);
    assert.match(String(me.headers['www-authenticate']), /error="invalid_token"/);
  });

  it('refuses it at once when the user is disabled or their token version changes', async () => {
    const users = t.app.get(DataSource).getRepository('User');
    const disabled = await acceptedToken('fast-disabled');
    await users.update({ id: disabled.account.id }, { disabled: true });
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(disabled.token))).status, 401);

    const bumped = await acceptedToken('fast-version');
    await users.increment({ id: bumped.account.id }, 'tokenVersion', 1);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(bumped.token))).status, 401);
  });

  it('answers 503, never 200, when the revocation state cannot be read (fail closed)', async () => {
    const { token } = await acceptedToken('fast-outage');
    const revocations = t.app.get(TokenRevocations);
    const original = revocations.isSessionRevoked.bind(revocations);
    revocations.isSessionRevoked = () => Promise.reject(new StateStoreUnavailableError('test: store down'));
    try {
      const me = await t.http.get('/api/v1/auth/me').set(...bearer(token));
      assert.equal(me.status, 503);
      assert.equal(me.headers['retry-after'], '5');
      assert.doesNotMatch(me.text, /test: store down/);
    } finally {
      revocations.isSessionRevoked = original;
    }
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(token))).status, 200, 'served again once the store answers');
  });
});
