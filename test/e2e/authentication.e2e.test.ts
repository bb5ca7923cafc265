import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { bearer, login, registerUser, strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** docs/http-contract.md#auth black-box: registration, login without enumeration, lockout, sessions, revocation. */
const comparable = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });

describe('authentication', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ LOGIN_MAX_FAILURES: '3', LOGIN_LOCKOUT_SECONDS: '60' });
  });
  after(async () => t.close());

  it('registers a user and returns only the user view', async () => {
    const email = `New.User-${Date.now()}@Example.com`;
    const res = await t.http.post('/api/v1/auth/register').send({ email, password: strongPassword(), displayName: 'New User' });
    assert.equal(res.status, 201);
    assert.deepEqual(Object.keys(res.body).sort(), ['createdAt', 'displayName', 'email', 'id', 'role']);
    assert.equal(res.body.role, 'user');
    assert.equal(res.body.email, email.toLowerCase());
  });

  it('refuses role or any unknown property at registration with 400', async () => {
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'sneaky@example.com', password: strongPassword(), displayName: 'Sneaky', role: 'admin' });
    assert.equal(res.status, 400);
    assert.ok(res.body.errors.some((e: { field: string }) => e.field === 'role'));
  });

  it('refuses a duplicate email case-insensitively with 409', async () => {
    const account = await registerUser(t, 'dup');
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: `  ${account.email.toUpperCase()} `.trim(), password: strongPassword(), displayName: 'Again' });
    assert.equal(res.status, 409);
  });

  it('applies the password policy with an errors entry', async () => {
    const cases = [
      'short-password', // 14 characters
      '1qaz2wsx3edc4rfv', // in the breached-password list
      'passwordpassword', // a common password repeated
      'x'.repeat(129),
      'my name is policytester ok', // contains the email local part
    ];
    for (const password of cases) {
      const res = await t.http
        .post('/api/v1/auth/register')
        .send({ email: 'policytester@example.com', password, displayName: 'Someone' });
      assert.equal(res.status, 400, password);
      assert.equal(res.body.errors[0].field, 'password');
    }
    const unicode = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'unicode-user@example.com', password: 'ｆｕｌｌ－ｗｉｄｔｈ パスワード 2026 ✓', displayName: 'Unicode' });
    assert.equal(unicode.status, 201, 'any Unicode is allowed');
  });

  it('stores an argon2id hash at OWASP parameters and the email only encrypted', async () => {
    const account = await registerUser(t, 'stored');
    const [row] = await t.app
      .get(DataSource)
      .query('SELECT email, password_hash FROM users WHERE id = $1'.replace('$1', t.db.kind === 'postgres' ? '$1' : '?'), [
        account.id,
      ]);
    assert.match(row.password_hash, /^\$argon2id\$v=19\$/);
    for (const parameter of ['m=19456', 't=2', 'p=1'])
      assert.ok(row.password_hash.split('$')[3].split(',').includes(parameter), parameter);
    assert.ok(!String(row.email).includes(account.email.split('@')[0]!), 'email stored in plaintext');
  });

  it('logs in and issues an ES256 at+jwt access token with the required claims', async () => {
    const account = await registerUser(t, 'login');
    const res = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password });
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['accessToken', 'expiresIn', 'refreshToken', 'tokenType']);
    assert.equal(res.body.tokenType, 'Bearer');
    assert.equal(res.body.expiresIn, 900);
    const [header, payload] = (res.body.accessToken as string)
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()));
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'at+jwt');
    assert.match(header.kid, /^[A-Za-z0-9_-]{43}$/);
    for (const claim of ['iss', 'aud', 'sub', 'jti', 'iat', 'exp']) assert.ok(payload[claim] !== undefined, claim);
    assert.equal(payload.sub, account.id);
    assert.equal(payload.exp - payload.iat, 900);
    const me = await t.http.get('/api/v1/auth/me').set(...bearer(res.body.accessToken));
    assert.equal(me.status, 200);
    assert.equal(me.body.id, account.id);
  });

  it('answers every login failure with the same 401 body (no enumeration)', async () => {
    const account = await registerUser(t, 'enum');
    const disabled = await registerUser(t, 'disabled');
    await t.app.get(DataSource).getRepository('User').update({ id: disabled.id }, { disabled: true });
    const unknown = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'nobody-here@example.com', password: strongPassword() });
    const wrong = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: strongPassword() });
    const off = await t.http.post('/api/v1/auth/login').send({ email: disabled.email, password: disabled.password });
    for (const res of [unknown, wrong, off]) {
      assert.equal(res.status, 401);
      assert.ok(res.headers['www-authenticate']);
    }
    assert.deepEqual(comparable(unknown.body), comparable(wrong.body));
    assert.deepEqual(comparable(off.body), comparable(wrong.body));
  });

  it('locks an account after LOGIN_MAX_FAILURES failures, even for the right password', async () => {
    const account = await registerUser(t, 'lock');
    const wrong = { email: account.email, password: strongPassword() };
    for (let i = 0; i < 3; i++) assert.equal((await t.http.post('/api/v1/auth/login').send(wrong)).status, 401);
    const locked = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password });
    assert.equal(locked.status, 401);
    const other = await t.http.post('/api/v1/auth/login').send(wrong);
    assert.deepEqual(comparable(locked.body), comparable(other.body));
  });

  it('requires a bearer token in the Authorization header only', async () => {
    const account = await registerUser(t, 'header');
    const { accessToken } = await login(t, account);
    const none = await t.http.get('/api/v1/auth/me');
    assert.equal(none.status, 401);
    assert.match(none.headers['www-authenticate'] ?? '', /^Bearer/);
    assert.doesNotMatch(none.headers['www-authenticate'] ?? '', /error=/, 'RFC 6750 §3.1: no error code without credentials');
    const bad = await t.http.get('/api/v1/auth/me').set('Authorization', 'Bearer not-a-token');
    assert.match(bad.headers['www-authenticate'] ?? '', /error="invalid_token"/);
    assert.equal((await t.http.get(`/api/v1/auth/me?access_token=${accessToken}`)).status, 401);
    assert.equal((await t.http.get(`/api/v1/auth/me?token=${accessToken}`)).status, 401);
    assert.equal((await t.http.get('/api/v1/auth/me').set('Authorization', `Basic ${accessToken}`)).status, 401);
  });

  it('rotates refresh tokens and revokes the family when a rotated one is reused', async () => {
    const account = await registerUser(t, 'refresh');
    const first = await login(t, account);
    const second = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    assert.equal(second.status, 200);
    assert.notEqual(second.body.refreshToken, first.refreshToken);
    const reuse = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.refreshToken });
    assert.equal(reuse.status, 401);
    const newest = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: second.body.refreshToken });
    assert.equal(newest.status, 401, 'the whole family is revoked after reuse');
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(second.body.accessToken))).status, 401);
    assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: 'rt_not-a-token' })).status, 401);
  });

  it('logout revokes the refresh family and the presented access token at once', async () => {
    const account = await registerUser(t, 'logout');
    const tokens = await login(t, account);
    const other = await login(t, account);
    assert.equal(
      (
        await t.http
          .post('/api/v1/auth/logout')
          .set(...bearer(tokens.accessToken))
          .send({})
      ).status,
      204,
    );
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(tokens.accessToken))).status, 401);
    assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status, 401);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(other.accessToken))).status, 200, 'other sessions live on');
  });

  it('change-password revokes every session and only the new password works', async () => {
    const account = await registerUser(t, 'change');
    const a = await login(t, account);
    const b = await login(t, account);
    const newPassword = strongPassword();
    const wrongCurrent = await t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(a.accessToken))
      .send({ currentPassword: strongPassword(), newPassword });
    assert.equal(wrongCurrent.status, 400);
    const weak = await t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(a.accessToken))
      .send({ currentPassword: account.password, newPassword: 'short' });
    assert.equal(weak.status, 400);
    const ok = await t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(a.accessToken))
      .send({ currentPassword: account.password, newPassword });
    assert.equal(ok.status, 204);
    for (const tokens of [a, b]) {
      assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(tokens.accessToken))).status, 401);
      assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status, 401);
    }
    assert.equal(
      (await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password })).status,
      401,
    );
    await login(t, { email: account.email, password: newPassword });
  });

  it('updates the display name through PATCH /auth/me, refusing other fields', async () => {
    const account = await registerUser(t, 'patch');
    const { accessToken } = await login(t, account);
    const ok = await t.http
      .patch('/api/v1/auth/me')
      .set(...bearer(accessToken))
      .send({ displayName: 'Renamed' });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.displayName, 'Renamed');
    const escalate = await t.http
      .patch('/api/v1/auth/me')
      .set(...bearer(accessToken))
      .send({ displayName: 'x', role: 'admin' });
    assert.equal(escalate.status, 400);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(accessToken))).body.role, 'user');
  });

  it('publishes the verification keys, without private parts, at /.well-known/jwks.json', async () => {
    const account = await registerUser(t, 'jwks');
    const { accessToken } = await login(t, account);
    const kid = JSON.parse(Buffer.from(accessToken.split('.')[0]!, 'base64url').toString()).kid;
    const res = await t.http.get('/.well-known/jwks.json');
    assert.equal(res.status, 200);
    const key = res.body.keys.find((k: { kid: string }) => k.kid === kid);
    assert.ok(key);
    assert.equal(key.alg, 'ES256');
    assert.equal(key.d, undefined);
  });
});

describe('password rehash on login', () => {
  it('rehashes a stored hash when the configured argon2 cost rises', async () => {
    const first = await startTestApp();
    const account = await registerUser(first, 'rehash');
    await first.app.close();
    const second = await startTestApp({ ARGON2_TIME_COST: '3' }, {}, first.db);
    try {
      await login(second, account);
      const rows = await second.app
        .get(DataSource)
        .getRepository('User')
        .find({ where: { id: account.id } });
      assert.match((rows[0] as { passwordHash: string }).passwordHash, /[$,]t=3[$,]/);
    } finally {
      await second.close();
      await first.db.drop();
    }
  });
});

describe('bootstrap admin', () => {
  it('refuses to boot with a weak BOOTSTRAP_ADMIN_PASSWORD, naming it and the reason', async () => {
    await assert.rejects(
      startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'weak-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: 'short' }),
      /BOOTSTRAP_ADMIN_PASSWORD.*at least 15/,
    );
  });

  it('creates the admin from BOOTSTRAP_ADMIN_* when none exists', async () => {
    const password = strongPassword();
    const t = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'root-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: password });
    try {
      const { accessToken } = await login(t, { email: 'root-admin@example.com', password });
      assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(accessToken))).body.role, 'admin');
    } finally {
      await t.close();
    }
  });
});
