import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bearer, login, registerUser, strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** docs/http-contract.md#users: admin-only user administration, effective at once. */
describe('users administration', () => {
  let t: TestApp;
  let adminToken: string;
  let adminId: string;

  before(async () => {
    const password = strongPassword();
    t = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'first-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: password });
    adminToken = (await login(t, { email: 'first-admin@example.com', password })).accessToken;
    adminId = (await t.http.get('/api/v1/auth/me').set(...bearer(adminToken))).body.id;
  });
  after(async () => t.close());

  it('lists users with pagination, as user views only', async () => {
    await registerUser(t, 'listed');
    const res = await t.http.get('/api/v1/users?limit=1').set(...bearer(adminToken));
    assert.equal(res.status, 200);
    assert.equal(res.body.items.length, 1);
    assert.ok(res.body.total >= 2);
    assert.deepEqual(Object.keys(res.body.items[0]).sort(), ['createdAt', 'displayName', 'email', 'id', 'role']);
    assert.equal((await t.http.get('/api/v1/users?limit=101').set(...bearer(adminToken))).status, 400);
  });

  it('applies role changes at once and refuses self role changes with 403', async () => {
    const other = await registerUser(t, 'second-admin');
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${other.id}`)
          .set(...bearer(adminToken))
          .send({ role: 'admin' })
      ).status,
      200,
    );
    const otherToken = (await login(t, other)).accessToken;
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(otherToken))).status, 200);
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${other.id}`)
          .set(...bearer(otherToken))
          .send({ role: 'user' })
      ).status,
      403,
    );
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${other.id}`)
          .set(...bearer(adminToken))
          .send({ role: 'user' })
      ).status,
      200,
    );
    // The demoted admin's token stops working at once (token version), and a new one is a user's.
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(otherToken))).status, 401);
    const relogged = (await login(t, other)).accessToken;
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(relogged))).status, 403);
  });

  it('refuses to demote or disable the last active admin with 409', async () => {
    // The bootstrap admin is the only active admin again after the previous test.
    const selfDisable = await t.http
      .patch(`/api/v1/users/${adminId}`)
      .set(...bearer(adminToken))
      .send({ disabled: true });
    assert.equal(selfDisable.status, 409);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(adminToken))).status, 200, 'nothing changed');
    // With a second admin, the first may step down by disabling themselves; the second is then the last.
    const deputy = await registerUser(t, 'deputy');
    await t.http
      .patch(`/api/v1/users/${deputy.id}`)
      .set(...bearer(adminToken))
      .send({ role: 'admin' });
    const deputyToken = (await login(t, deputy)).accessToken;
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${deputy.id}`)
          .set(...bearer(deputyToken))
          .send({ disabled: true })
      ).status,
      200,
    );
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${adminId}`)
          .set(...bearer(adminToken))
          .send({ disabled: true })
      ).status,
      409,
    );
  });

  it('disabling a user revokes their sessions at once', async () => {
    const victim = await registerUser(t, 'victim');
    const tokens = await login(t, victim);
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${victim.id}`)
          .set(...bearer(adminToken))
          .send({ disabled: true })
      ).status,
      200,
    );
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(tokens.accessToken))).status, 401);
    assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status, 401);
    assert.equal((await t.http.post('/api/v1/auth/login').send({ email: victim.email, password: victim.password })).status, 401);
  });

  it('refuses unknown fields and bad values', async () => {
    const target = await registerUser(t, 'target');
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${target.id}`)
          .set(...bearer(adminToken))
          .send({ role: 'superuser' })
      ).status,
      400,
    );
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/users/${target.id}`)
          .set(...bearer(adminToken))
          .send({ email: 'x@example.com' })
      ).status,
      400,
    );
    assert.equal((await t.http.get('/api/v1/users/not-a-uuid').set(...bearer(adminToken))).status, 400);
  });
});
