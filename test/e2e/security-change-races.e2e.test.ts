import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { ApiKeysService, type ApiKeyWithSecret } from '../../src/api-keys/api-keys.service.js';
import type { UserPrincipal } from '../../src/access/principal.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { ProblemException } from '../../src/http/problem.exception.js';
import { SecurityEventRecord } from '../../src/security-events/security-event.entity.js';
import { UsersService } from '../../src/users/users.service.js';
import { bearer, login, registerUser, strongPassword, type Account } from '../support/identity.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { type TestApp } from '../support/test-app.js';

const MAX_KEYS = 3;

/**
 * Races on one account's security state, on whichever database the
 * suite runs against: a login that overlaps a password change, two rotations of one API key, a
 * burst of key creations against the per-user cap, a password change against a role change.
 */
describe('security changes under concurrency', () => {
  let t: TestApp;
  let adminToken: string;

  before(async () => {
    ({ t, adminToken } = await startTestAppWithAdmin({ API_KEYS_MAX_PER_USER: String(MAX_KEYS) }, 'race-admin@example.com'));
  });
  after(async () => t.close());

  const changePassword = (account: Account, accessToken: string, newPassword: string) =>
    t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(accessToken))
      .send({ currentPassword: account.password, newPassword });

  it('a login that read the account before a password change gets a session that cannot refresh after it', async () => {
    const account = await registerUser(t, 'login-race');
    const { accessToken } = await login(t, account);
    // The race, made deterministic: the login read the account (and verified the old password)...
    const readByLogin = await t.app.get(UsersService).findByEmail(account.email);
    assert.ok(readByLogin);
    // ...then the password change committed and ended every session that existed...
    assert.equal((await changePassword(account, accessToken, strongPassword())).status, 204);
    // ...and only then the login created its session, with the version it had read.
    const late = await t.app.get(SessionsService).start(readByLogin.id, readByLogin.tokenVersion);
    const refresh = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: late.refreshToken });
    assert.equal(refresh.status, 401, 'a session older than the password change must not refresh');
  });

  it('logins racing a password change leave no refresh token that outlives it', async () => {
    const account = await registerUser(t, 'burst-race');
    const { accessToken } = await login(t, account);
    const logins = Array.from({ length: 6 }, () =>
      t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password }),
    );
    const [changed, ...answers] = await Promise.all([changePassword(account, accessToken, strongPassword()), ...logins]);
    assert.equal(changed.status, 204);
    for (const answer of answers.filter((res) => res.status === 200)) {
      const refresh = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: answer.body.refreshToken });
      assert.equal(refresh.status, 401, 'a session from the old password refreshed after the change');
      assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(answer.body.accessToken))).status, 401);
    }
  });

  it('records password_changed in the same transaction as the change', async () => {
    const account = await registerUser(t, 'pw-event');
    const { accessToken } = await login(t, account);
    assert.equal((await changePassword(account, accessToken, strongPassword())).status, 204);
    // No flush: a row that commits with the change is there as soon as the answer is.
    const rows = await t.app
      .get(DataSource)
      .getRepository(SecurityEventRecord)
      .find({ where: { type: 'password_changed', actorId: account.id } });
    assert.equal(rows.length, 1);
  });

  it('two rotations of one API key at once: one succeeds with a key that works, the other is a 409 problem', async () => {
    const owner = await registerUser(t, 'rotate-race');
    const { accessToken } = await login(t, owner);
    const created = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(accessToken))
      .send({ name: 'raced', scopes: ['notes:read'] });
    assert.equal(created.status, 201);
    const me = await t.http.get('/api/v1/auth/me').set(...bearer(accessToken));
    const principal: UserPrincipal = {
      kind: 'user',
      userId: owner.id,
      role: me.body.role,
      sessionId: 'race',
      tokenId: 'race',
      tokenExpiresAt: 0,
    };
    // Called together, both read the key before either writes: the interleaving of two requests.
    const keys = t.app.get(ApiKeysService);
    const answers = await Promise.allSettled([keys.rotate(principal, created.body.id), keys.rotate(principal, created.body.id)]);
    const won = answers.filter((a): a is PromiseFulfilledResult<ApiKeyWithSecret> => a.status === 'fulfilled');
    const lost = answers.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    assert.equal(won.length, 1, 'exactly one rotation wins');
    assert.equal(lost.length, 1);
    assert.ok(lost[0]!.reason instanceof ProblemException);
    assert.equal(lost[0]!.reason.getStatus(), 409);
    assert.equal((await t.http.get('/api/v1/notes').set('X-API-Key', won[0]!.value.key)).status, 200, 'the key handed out works');
    assert.equal((await t.http.get('/api/v1/notes').set('X-API-Key', created.body.key)).status, 401, 'the old secret is gone');

    // Over HTTP the loser is a problem document.
    const rotate = () =>
      t.http
        .post(`/api/v1/api-keys/${created.body.id}/rotate`)
        .set(...bearer(accessToken))
        .send({});
    const statuses = (await Promise.all([rotate(), rotate(), rotate()])).map((res) => res.status);
    assert.ok(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(','),
    );
  });

  it('parallel creations never exceed API_KEYS_MAX_PER_USER (3); revoking one frees a place', async () => {
    const owner = await registerUser(t, 'key-cap');
    const { accessToken } = await login(t, owner);
    const create = (i: number) =>
      t.http
        .post('/api/v1/api-keys')
        .set(...bearer(accessToken))
        .send({ name: `k${i}`, scopes: ['notes:read'] });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => create(i)));
    const statuses = answers.map((res) => res.status);
    assert.equal(statuses.filter((s) => s === 201).length, MAX_KEYS, statuses.join(','));
    assert.equal(statuses.filter((s) => s === 409).length, 8 - MAX_KEYS, statuses.join(','));
    const refused = answers.find((res) => res.status === 409)!;
    assert.match(String(refused.headers['content-type']), /^application\/problem\+json/);
    const listed = await t.http.get('/api/v1/api-keys').set(...bearer(accessToken));
    assert.equal(listed.body.items.length, MAX_KEYS);

    const revoked = await t.http.delete(`/api/v1/api-keys/${listed.body.items[0].id}`).set(...bearer(accessToken));
    assert.equal(revoked.status, 204);
    assert.equal((await create(99)).status, 201, 'a revoked key does not count');
    assert.equal((await create(100)).status, 409);
  });

  it('a password change and a role change at once: neither overwrites the other', async () => {
    const account = await registerUser(t, 'pw-vs-role');
    const { accessToken } = await login(t, account);
    const newPassword = strongPassword();
    const [changed, promoted] = await Promise.all([
      changePassword(account, accessToken, newPassword),
      t.http
        .patch(`/api/v1/users/${account.id}`)
        .set(...bearer(adminToken))
        .send({ role: 'auditor' }),
    ]);
    const user = await t.app.get(UsersService).findById(account.id);
    assert.ok(user);
    if (promoted.status === 200) assert.equal(user.role, 'auditor', 'the role change was reported done but is lost');
    else assert.equal(promoted.status, 409);
    if (changed.status === 204) {
      const res = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: newPassword });
      assert.equal(res.status, 200, 'the password change was reported done but is lost');
    } else {
      // 409: the role change committed between the check and the write; 401: before the request was authenticated.
      assert.ok([401, 409].includes(changed.status), String(changed.status));
    }
    assert.ok(promoted.status === 200 || changed.status === 204, 'one of them succeeds');
  });
});
