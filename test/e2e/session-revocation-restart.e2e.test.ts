import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bearer, login, registerUser } from '../support/identity.js';
import { startTestApp } from '../support/test-app.js';

/**
 * Logout must hold across a restart (docs/http-contract.md#auth; OWASP API2:2023; ASVS 7.4.1): the in-process
 * revocation list is empty after a restart, so SessionsService re-arms it at boot from the
 * sessions revoked in the database within the last access-token lifetime.
 */
describe('session revocation across a restart', () => {
  it('keeps a logged-out access token refused after the server restarts', async () => {
    const first = await startTestApp();
    const account = await registerUser(first, 'restart');
    const loggedOut = await login(first, account);
    const live = await login(first, account);
    const logout = await first.http
      .post('/api/v1/auth/logout')
      .set(...bearer(loggedOut.accessToken))
      .send({});
    assert.equal(logout.status, 204);
    await first.app.close();

    const second = await startTestApp({}, {}, first.db);
    try {
      assert.equal((await second.http.get('/api/v1/auth/me').set(...bearer(loggedOut.accessToken))).status, 401);
      assert.equal(
        (await second.http.get('/api/v1/auth/me').set(...bearer(live.accessToken))).status,
        200,
        'other sessions live on',
      );
    } finally {
      await second.close();
      await first.db.drop();
    }
  });
});
