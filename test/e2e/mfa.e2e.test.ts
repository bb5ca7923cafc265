import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource, IsNull } from 'typeorm';
import { AdminProvisioner } from '../../src/auth/bootstrap-admin.service.js';
import { MfaChallenge } from '../../src/auth/mfa/mfa-challenge.entity.js';
import { RecoveryCode } from '../../src/auth/mfa/recovery-code.entity.js';
import { TotpFactor } from '../../src/auth/mfa/totp-factor.entity.js';
import { Session } from '../../src/auth/sessions/session.entity.js';
import { portOf } from '../support/clients.js';
import { bearer, login, registerUser, strongPassword, type Account } from '../support/identity.js';
import {
  currentStep,
  enrolmentOf,
  enrolTotp,
  nextProof,
  totpCode,
  viaAddress,
  viaSupertest,
  type Enrolment,
} from '../support/mfa.js';
import { eventuallyEvent } from '../support/security-events-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'mfa-admin@example.com';
const MAX_FAILURES = 6;

/** The claims of an access token (read, not verified: the app verified it). */
function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** A problem without the fields that differ per request. */
function comparable(body: Record<string, unknown>): Record<string, unknown> {
  const { instance: _instance, requestId: _requestId, ...rest } = body;
  return rest;
}

/**
 * TOTP second factor, recovery codes, the mfaToken login step, MFA_REQUIRED_ROLES, step-up and
 * re-authentication, admin reset (docs/account-lifecycle.md), against the real app and database.
 */
describe('multi-factor authentication', () => {
  let t: TestApp;
  let adminPassword: string;
  let adminToken: string;

  before(async () => {
    adminPassword = strongPassword();
    t = await startTestApp({
      BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      LOGIN_MAX_FAILURES: String(MAX_FAILURES),
    });
  });
  after(async () => t?.close());

  /** A registered user with TOTP on, and their session's tokens. */
  async function enrolledUser(prefix: string): Promise<Account & Enrolment & { accessToken: string; refreshToken: string }> {
    const account = await registerUser(t, prefix);
    return { ...account, ...(await enrolTotp(viaSupertest(t), account.email, await login(t, account))) };
  }

  const loginStep = (account: Pick<Account, 'email' | 'password'>) =>
    t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password });
  const verify = (mfaToken: string, proof: object) => t.http.post('/api/v1/auth/mfa/verify').send({ mfaToken, ...proof });

  it('admins need MFA by default: without it their tokens reach enrolment only, every other route is a 403 that says why', async () => {
    assert.deepEqual(t.config.mfa.requiredRoles, ['admin']);
    const first = await loginStep({ email: ADMIN_EMAIL, password: adminPassword });
    assert.equal(first.status, 200);
    const enrolOnly = first.body.accessToken as string;
    for (const [method, path] of [
      ['get', '/api/v1/users'],
      ['get', '/api/v1/notes'],
      ['get', '/api/v1/security-events'],
    ] as const) {
      const refused = await t.http[method](path).set(...bearer(enrolOnly));
      assert.equal(refused.status, 403, path);
      assert.match(refused.headers['content-type'] ?? '', /application\/problem\+json/);
      assert.match(refused.body.detail, /requires multi-factor authentication/);
    }
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(enrolOnly))).status, 200);
    const enrolled = await enrolTotp(viaSupertest(t), ADMIN_EMAIL, first.body);
    // The token from before enrolment stays enrol-only; the refreshed one carries otp and works.
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(enrolOnly))).status, 403);
    assert.deepEqual(claimsOf(enrolled.accessToken).amr, ['pwd', 'otp']);
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(enrolled.accessToken))).status, 200);
    adminToken = enrolled.accessToken;
    // A role outside MFA_REQUIRED_ROLES works with a password alone.
    const user = await login(t, await registerUser(t, 'plain'));
    assert.deepEqual(claimsOf(user.accessToken).amr, ['pwd']);
    assert.equal((await t.http.get('/api/v1/notes').set(...bearer(user.accessToken))).status, 200);
  });

  it('enrols TOTP: a pending secret until the first code confirms it, ten recovery codes, the secret encrypted and the codes hashed', async () => {
    const account = await registerUser(t, 'enrol');
    const tokens = await login(t, account);
    const setup = await t.http.post('/api/v1/auth/mfa/totp/setup').set(...bearer(tokens.accessToken));
    assert.equal(setup.status, 200);
    assert.match(setup.body.secret, /^[A-Z2-7]{32}$/);
    assert.match(setup.body.otpauthUri, /^otpauth:\/\/totp\/.+\?.*secret=[A-Z2-7]{32}/);
    // Pending: logging in still needs the password only.
    assert.ok((await loginStep(account)).body.accessToken);
    const wrong = await t.http
      .post('/api/v1/auth/mfa/totp/confirm')
      .set(...bearer(tokens.accessToken))
      .send({ code: totpCode(setup.body.secret, currentStep() + 5) });
    assert.equal(wrong.status, 400);
    const confirm = await t.http
      .post('/api/v1/auth/mfa/totp/confirm')
      .set(...bearer(tokens.accessToken))
      .send({ code: totpCode(setup.body.secret) });
    assert.equal(confirm.status, 200);
    const codes = confirm.body.recoveryCodes as string[];
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    for (const code of codes) assert.match(code, /^([a-z2-7]{4}-){5}[a-z2-7]{4}$/);

    const dataSource = t.app.get(DataSource);
    const [factor] = (await dataSource.query(`SELECT secret FROM mfa_totp_factors WHERE user_id = '${account.id}'`)) as {
      secret: string;
    }[];
    assert.ok(factor && !factor.secret.includes(setup.body.secret), 'the TOTP secret is stored encrypted');
    const stored = (await dataSource.query(`SELECT code_hash FROM mfa_recovery_codes WHERE user_id = '${account.id}'`)) as {
      code_hash: string;
    }[];
    assert.equal(stored.length, 10);
    for (const row of stored) {
      assert.match(row.code_hash, /^[0-9a-f]{64}$/);
      assert.ok(!codes.some((code) => row.code_hash.includes(code.replace(/-/g, ''))));
    }
    // A second setup while MFA is on is refused: with the token from before confirm, by step-up
    // (the account now has a factor, that token never passed it); with the refreshed one, as a conflict.
    assert.equal((await t.http.post('/api/v1/auth/mfa/totp/setup').set(...bearer(tokens.accessToken))).status, 401);
    const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
    const again = await t.http.post('/api/v1/auth/mfa/totp/setup').set(...bearer(refreshed.body.accessToken));
    assert.equal(again.status, 409, 'a second setup while MFA is on is refused');
  });

  it('logs in with a code: login answers an mfaToken and no token, the second step a pair whose access token carries amr and auth_time', async () => {
    const user = await enrolledUser('login');
    const first = await loginStep(user);
    assert.equal(first.status, 200);
    assert.equal(first.body.mfaRequired, true);
    assert.match(first.body.mfaToken, /^mfa_/);
    assert.ok(first.body.expiresIn > 0 && first.body.expiresIn <= 300);
    assert.equal(first.body.accessToken, undefined);
    assert.equal(first.body.refreshToken, undefined);
    const before = Math.floor(Date.now() / 1000);
    const second = await verify(first.body.mfaToken, nextProof(user.email));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const claims = claimsOf(second.body.accessToken);
    assert.deepEqual(claims.amr, ['pwd', 'otp']);
    assert.ok(Math.abs((claims.auth_time as number) - before) <= 2);
    // A refresh keeps how and when the user authenticated: it is no new authentication.
    const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: second.body.refreshToken });
    assert.deepEqual(claimsOf(refreshed.body.accessToken).amr, ['pwd', 'otp']);
    assert.equal(claimsOf(refreshed.body.accessToken).auth_time, claims.auth_time);
  });

  it('answers a wrong password for an account with MFA exactly as for one without, or an unknown email', async () => {
    const withMfa = await enrolledUser('enum-mfa');
    const without = await registerUser(t, 'enum-plain');
    const answers = await Promise.all(
      [withMfa.email, without.email, 'nobody-here@example.com'].map((email) =>
        t.http.post('/api/v1/auth/login').send({ email, password: strongPassword() }),
      ),
    );
    for (const answer of answers) {
      assert.equal(answer.status, 401);
      assert.equal(answer.headers['www-authenticate'], answers[0]!.headers['www-authenticate']);
      assert.deepEqual(comparable(answer.body), comparable(answers[0]!.body));
    }
  });

  it('refuses a wrong code, a replayed code, a spent and an expired mfaToken, all with the login refusal', async () => {
    const user = await enrolledUser('refusals');
    const wrongPassword = await t.http.post('/api/v1/auth/login').send({ email: user.email, password: strongPassword() });
    const enrolment = enrolmentOf(user.email)!;
    const step = enrolment.lastStep + 1;
    const first = await loginStep(user);
    const wrong = await verify(first.body.mfaToken, { code: totpCode(user.secret, step + 10) });
    assert.equal(wrong.status, 401);
    assert.deepEqual(comparable(wrong.body), comparable(wrongPassword.body));
    const right = await verify(first.body.mfaToken, { code: totpCode(user.secret, step) });
    assert.equal(right.status, 200);
    enrolment.lastStep = step;
    // The same code again, with a new ticket: the step was used.
    const second = await loginStep(user);
    assert.equal((await verify(second.body.mfaToken, { code: totpCode(user.secret, step) })).status, 401, 'replayed code');
    // An older step after a newer one was accepted: refused too (the last used step only moves forward).
    assert.equal((await verify(second.body.mfaToken, { code: totpCode(user.secret, step - 1) })).status, 401, 'older code');
    // The first ticket was spent; it is refused even with a good recovery code, which stays unspent.
    const recoveryCode = user.recoveryCodes[0]!;
    assert.equal((await verify(first.body.mfaToken, { recoveryCode })).status, 401, 'spent mfaToken');
    // Expired: the ticket's deadline moved into the past.
    await t.app
      .get(DataSource)
      .getRepository(MfaChallenge)
      .update({ userId: user.id }, { expiresAt: new Date(Date.now() - 1000) });
    assert.equal((await verify(second.body.mfaToken, { recoveryCode })).status, 401, 'expired mfaToken');
    const third = await loginStep(user);
    assert.equal(
      (await verify(third.body.mfaToken, { recoveryCode })).status,
      200,
      'the recovery code was not spent by refusals',
    );
  });

  it('accepts a recovery code once', async () => {
    const user = await enrolledUser('recovery');
    const [code] = user.recoveryCodes;
    const first = await loginStep(user);
    // Case and dashes do not matter when typed back.
    assert.equal((await verify(first.body.mfaToken, { recoveryCode: code!.toUpperCase().replace(/-/g, ' ') })).status, 200);
    const second = await loginStep(user);
    assert.equal((await verify(second.body.mfaToken, { recoveryCode: code })).status, 401);
    assert.equal((await verify(second.body.mfaToken, { recoveryCode: user.recoveryCodes[1] })).status, 200);
  });

  it('refuses a proof that is neither or both of a code and a recovery code with 400', async () => {
    const user = await enrolledUser('shape');
    const first = await loginStep(user);
    assert.equal((await verify(first.body.mfaToken, {})).status, 400);
    const both = await verify(first.body.mfaToken, { code: '123456', recoveryCode: user.recoveryCodes[0] });
    assert.equal(both.status, 400);
    assert.equal((await verify(first.body.mfaToken, { code: '12345' })).status, 400);
  });

  it('counts wrong codes in the login lockout, and a right password between guesses does not start the count over', async () => {
    const user = await enrolledUser('lockout');
    const from = '127.0.0.41';
    const send = viaAddress(portOf(t), from);
    const loginTicket = async () =>
      (await send('POST', '/api/v1/auth/login', { email: user.email, password: user.password })).body;
    const guess = async (mfaToken: unknown) =>
      (await send('POST', '/api/v1/auth/mfa/verify', { mfaToken, code: totpCode(user.secret, currentStep() + 20) })).status;
    // A right password, then a wrong code, three times: six attempts, and the sixth locks. Were the
    // right password to start the count over, the holder of the password could guess forever.
    let ticket: unknown;
    for (let round = 0; round < MAX_FAILURES / 2; round++) {
      ticket = (await loginTicket()).mfaToken;
      assert.ok(ticket, 'the password step is admitted until the lock');
      assert.equal(await guess(ticket), 401);
    }
    // Locked: the right code is refused too, and so is the right password.
    const right = await send('POST', '/api/v1/auth/mfa/verify', { mfaToken: ticket, ...nextProof(user.email) });
    assert.equal(right.status, 401);
    // Nor is a right recovery code used up while the account is locked.
    const codes = t.app.get(DataSource).getRepository(RecoveryCode);
    const unused = () => codes.count({ where: { userId: user.id, usedAt: IsNull() } });
    const before = await unused();
    const recovery = await send('POST', '/api/v1/auth/mfa/verify', { mfaToken: ticket, recoveryCode: user.recoveryCodes[0] });
    assert.equal(recovery.status, 401);
    assert.equal(await unused(), before, 'a locked account spends no code');
    assert.equal((await send('POST', '/api/v1/auth/login', { email: user.email, password: user.password })).status, 401);
    await eventuallyEvent(
      portOf(t),
      adminToken,
      (event) => event.type === 'account_locked' && event.ip === from,
      'account_locked',
    );
    // More 401s from the address at login routes: three wrong codes, the refused codes and password, and this one.
    assert.equal(await guess(ticket), 401);
    // Intrusion detection counted the wrong codes with the failed logins from that address.
    await eventuallyEvent(
      portOf(t),
      adminToken,
      (event) => event.type === 'repeated_login_failures' && event.ip === from,
      'repeated_login_failures',
    );
  });

  it('refuses a sensitive action with 401 insufficient_user_authentication when the authentication is old, and grants it after reauthenticate', async () => {
    const account = await registerUser(t, 'step-up');
    const tokens = await login(t, account);
    const sessions = t.app.get(DataSource).getRepository(Session);
    const sid = claimsOf(tokens.accessToken).sid as string;
    await sessions.update({ id: sid }, { authTime: new Date(Date.now() - 11 * 60 * 1000) });
    const stale = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
    const create = (token: string) =>
      t.http
        .post('/api/v1/api-keys')
        .set(...bearer(token))
        .send({ name: 'step-up', scopes: ['notes:read'] });
    const refused = await create(stale.body.accessToken);
    assert.equal(refused.status, 401);
    assert.match(refused.headers['www-authenticate'] ?? '', /error="insufficient_user_authentication"/);
    assert.match(refused.headers['www-authenticate'] ?? '', /max_age=600/);
    assert.match(refused.body.detail, /reauthenticate/);
    // Reading is not a sensitive action: the stale token still works there.
    assert.equal((await t.http.get('/api/v1/api-keys').set(...bearer(stale.body.accessToken))).status, 200);
    const wrong = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(stale.body.accessToken))
      .send({ password: strongPassword() });
    assert.equal(wrong.status, 401);
    const fresh = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(stale.body.accessToken))
      .send({ password: account.password });
    assert.equal(fresh.status, 200);
    assert.equal(claimsOf(fresh.body.accessToken).sid, sid, 'the same session');
    assert.equal((await create(fresh.body.accessToken)).status, 201);
    // The refresh token from before re-authentication counts as rotated: presenting it is reuse.
    assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: stale.body.refreshToken })).status, 401);
  });

  it('for a user with MFA, step-up needs the second factor: a password-only re-authentication is refused', async () => {
    const user = await enrolledUser('step-up-mfa');
    const sid = claimsOf(user.accessToken).sid as string;
    // The session's last authentication used the password only (as when it predates the factor).
    await t.app.get(DataSource).getRepository(Session).update({ id: sid }, { amr: 'pwd' });
    const weak = (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken })).body;
    const change = (token: string) =>
      t.http
        .post('/api/v1/auth/change-password')
        .set(...bearer(token))
        .send({ currentPassword: user.password, newPassword: strongPassword() });
    const refused = await change(weak.accessToken);
    assert.equal(refused.status, 401);
    assert.match(refused.headers['www-authenticate'] ?? '', /insufficient_user_authentication/);
    assert.match(refused.body.detail, /second factor/);
    const passwordOnly = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(weak.accessToken))
      .send({ password: user.password });
    assert.equal(passwordOnly.status, 400);
    const strong = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(weak.accessToken))
      .send({ password: user.password, ...nextProof(user.email) });
    assert.equal(strong.status, 200);
    assert.deepEqual(claimsOf(strong.body.accessToken).amr, ['pwd', 'otp']);
    assert.equal((await change(strong.body.accessToken)).status, 204);
  });

  it('confirming an enrolment is no re-authentication: it needs a recent login, a setup younger than STEP_UP_MAX_AGE, and keeps auth_time', async () => {
    const account = await registerUser(t, 'confirm-step-up');
    const tokens = await login(t, account);
    const sid = claimsOf(tokens.accessToken).sid as string;
    const dataSource = t.app.get(DataSource);
    const setup = await t.http.post('/api/v1/auth/mfa/totp/setup').set(...bearer(tokens.accessToken));
    assert.equal(setup.status, 200);
    const confirm = (token: string) =>
      t.http
        .post('/api/v1/auth/mfa/totp/confirm')
        .set(...bearer(token))
        .send({ code: totpCode(setup.body.secret) });

    // A thief of this session who kept the secret and comes back after STEP_UP_MAX_AGE: refused.
    const loggedIn = new Date(Date.now() - 11 * 60 * 1000);
    await dataSource.getRepository(Session).update({ id: sid }, { authTime: loggedIn });
    const stale = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
    const refused = await confirm(stale.body.accessToken);
    assert.equal(refused.status, 401);
    assert.match(refused.headers['www-authenticate'] ?? '', /insufficient_user_authentication/);

    // A pending secret older than STEP_UP_MAX_AGE is void, even from a fresh login.
    const fresh = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(stale.body.accessToken))
      .send({ password: account.password });
    assert.equal(fresh.status, 200);
    await dataSource
      .getRepository(TotpFactor)
      .update({ userId: account.id }, { createdAt: new Date(Date.now() - 11 * 60 * 1000) });
    const expired = await confirm(fresh.body.accessToken);
    assert.equal(expired.status, 409);
    assert.match(expired.body.detail, /expired/);

    // Within both bounds it works, and the session gains otp but keeps the password's auth_time.
    const again = await t.http.post('/api/v1/auth/mfa/totp/setup').set(...bearer(fresh.body.accessToken));
    const step = currentStep();
    const ok = await t.http
      .post('/api/v1/auth/mfa/totp/confirm')
      .set(...bearer(fresh.body.accessToken))
      .send({ code: totpCode(again.body.secret, step) });
    assert.equal(ok.status, 200);
    const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: fresh.body.refreshToken });
    assert.deepEqual(claimsOf(refreshed.body.accessToken).amr, ['pwd', 'otp']);
    assert.equal(claimsOf(refreshed.body.accessToken).auth_time, claimsOf(fresh.body.accessToken).auth_time);
  });

  it('an admin ending every session of a user takes a step-up, like every other admin change to an account', async () => {
    const admin = await registerUser(t, 'stale-admin');
    await t.http
      .patch(`/api/v1/users/${admin.id}`)
      .set(...bearer(adminToken))
      .send({ role: 'admin' });
    const tokens = await login(t, admin);
    const target = await registerUser(t, 'stale-admin-target');
    const targetTokens = await login(t, target);
    await t.app
      .get(DataSource)
      .getRepository(Session)
      .update({ id: claimsOf(tokens.accessToken).sid as string }, { authTime: new Date(Date.now() - 11 * 60 * 1000) });
    const stale = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
    const refused = await t.http.delete(`/api/v1/users/${target.id}/sessions`).set(...bearer(stale.body.accessToken));
    assert.equal(refused.status, 401);
    assert.match(refused.headers['www-authenticate'] ?? '', /insufficient_user_authentication/);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(targetTokens.accessToken))).status, 200, 'nothing ended');
  });

  it('an admin who turns MFA off is back to enrolment only, whatever the session passed before', async () => {
    const account = await registerUser(t, 'admin-drops-mfa');
    await t.http
      .patch(`/api/v1/users/${account.id}`)
      .set(...bearer(adminToken))
      .send({ role: 'admin' });
    const tokens = await login(t, account);
    const enrolment = enrolmentOf(account.email)!;
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(tokens.accessToken))).status, 200);
    const off = await t.http
      .delete('/api/v1/auth/mfa/totp')
      .set(...bearer(tokens.accessToken))
      .send({ recoveryCode: enrolment.recoveryCodes.shift() });
    assert.equal(off.status, 204, JSON.stringify(off.body));
    const refused = await t.http.get('/api/v1/users').set(...bearer(tokens.accessToken));
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail, /requires multi-factor authentication/);
    const refreshed = await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken });
    assert.equal((await t.http.get('/api/v1/users').set(...bearer(refreshed.body.accessToken))).status, 403);
  });

  it('disables MFA with the factor only: a wrong code is a 400 and changes nothing, a right one turns it off', async () => {
    const user = await enrolledUser('disable');
    const wrong = await t.http
      .delete('/api/v1/auth/mfa/totp')
      .set(...bearer(user.accessToken))
      .send({ code: totpCode(user.secret, currentStep() + 20) });
    assert.equal(wrong.status, 400);
    assert.equal((await loginStep(user)).body.mfaRequired, true);
    const off = await t.http
      .delete('/api/v1/auth/mfa/totp')
      .set(...bearer(user.accessToken))
      .send(nextProof(user.email));
    assert.equal(off.status, 204);
    const after = await loginStep(user);
    assert.equal(after.body.mfaRequired, undefined);
    assert.ok(after.body.accessToken);
  });

  it('removes the second factor of an account taken over by create-admin, so the operator can log in and enrol their own', async () => {
    const squatter = await enrolledUser('squatter');
    const password = strongPassword();
    await t.app.get(AdminProvisioner).createAdmin(squatter.email, password);
    const first = await loginStep({ email: squatter.email, password });
    assert.equal(first.status, 200);
    assert.equal(first.body.mfaRequired, undefined, 'the previous holder’s factor is gone');
    const enrolOnly = await t.http.get('/api/v1/users').set(...bearer(first.body.accessToken));
    assert.equal(enrolOnly.status, 403, 'an admin without a factor must enrol first');
  });

  it('lets an admin reset a user’s MFA: audited, the user’s sessions end, a security event names both', async () => {
    const user = await enrolledUser('reset');
    const userId = (await t.http.get('/api/v1/auth/me').set(...bearer(user.accessToken))).body.id as string;
    const refused = await t.http.delete(`/api/v1/users/${userId}/mfa`).set(...bearer(user.accessToken));
    assert.equal(refused.status, 403, 'not for users');
    const reset = await t.http.delete(`/api/v1/users/${userId}/mfa`).set(...bearer(adminToken));
    assert.equal(reset.status, 204);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(user.accessToken))).status, 401, 'sessions ended');
    const after = await loginStep(user);
    assert.ok(after.body.accessToken, 'the password alone logs in again');
    assert.equal((await t.http.delete(`/api/v1/users/${userId}/mfa`).set(...bearer(adminToken))).status, 409);
    const adminId = claimsOf(adminToken).sub;
    await eventuallyEvent(
      portOf(t),
      adminToken,
      (event) => event.type === 'mfa_reset_by_admin' && event.actorId === adminId && event.details.userId === userId,
      'mfa_reset_by_admin',
    );
    const audited = (await t.app
      .get(DataSource)
      .query(`SELECT status FROM audit_events WHERE action = 'user.mfa.reset' ORDER BY seq`)) as { status: number | string }[];
    assert.deepEqual(
      audited.map((row) => Number(row.status)),
      [403, 204, 409],
      'each attempt audited once',
    );
  });
});
