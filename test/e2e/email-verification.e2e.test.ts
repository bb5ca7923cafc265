import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MailQueue } from '../../src/mail/mail-queue.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { portOf } from '../support/clients.js';
import { httpFrom, type RawResponse } from '../support/http-from.js';
import { login, registerUser, strongPassword } from '../support/identity.js';
import { eventuallyEvent } from '../support/security-events-reader.js';
import { startSmtpSink, tokenOf, type SmtpSink } from '../support/smtp-sink.js';
import type { TestApp } from '../support/test-app.js';

const BASE = 'https://accounts.example.test';
const VERIFY = '/verify-email';
const ADMIN = 'verify-admin@example.com';

/** A problem's body without its per-request id, the one field that differs between any two answers. */
const withoutRequestId = (body: string) => body.replace(/"requestId":"[^"]+"/, '');

/**
 * Email verification with REQUIRE_EMAIL_VERIFICATION on, against a real SMTP server on loopback:
 * the registration's mail is captured and its link followed.
 */
describe('email verification (REQUIRE_EMAIL_VERIFICATION=true)', () => {
  let sink: SmtpSink;
  let t: TestApp;

  before(async () => {
    sink = await startSmtpSink();
    ({ t } = await startTestAppWithAdmin(
      { SMTP_URL: sink.url, MAIL_FROM: 'accounts@example.test', PUBLIC_BASE_URL: BASE, REQUIRE_EMAIL_VERIFICATION: 'true' },
      ADMIN,
    ));
  });
  after(async () => {
    await t?.close();
    await sink?.close();
  });

  const verify = (token: string) => t.http.post('/api/v1/auth/verify-email').send({ token });
  const resend = (email: string) => t.http.post('/api/v1/auth/verify-email/resend').send({ email });

  it('refuses login of an unverified account with a 403 that says why, until the mailed link is followed once', async () => {
    const account = await registerUser(t, 'verify');
    const refused = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password });
    assert.equal(refused.status, 403);
    assert.match(refused.headers['content-type'] ?? '', /^application\/problem\+json/);
    assert.match(refused.body.detail, /not verified/);
    assert.match(refused.body.detail, /verify-email\/resend/);
    // A wrong password still gets the usual 401: the 403 is only for whoever has the password.
    const wrong = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: strongPassword() });
    assert.equal(wrong.status, 401);

    const mail = await sink.next(account.email, VERIFY);
    assert.ok(mail.links[0]!.startsWith(`${BASE}/verify-email#token=`));
    const token = tokenOf(mail, VERIFY);
    assert.equal((await verify(token)).status, 204);
    await login(t, account);
    const again = await verify(token);
    assert.equal(again.status, 400);
    assert.equal(again.body.detail, 'The verification link is invalid or has expired; ask for a new one.');
  });

  it('resends a link on request: the newer link works, the older does not; an unknown email gets the same answer and no mail', async () => {
    const account = await registerUser(t, 'resend');
    const older = tokenOf(await sink.next(account.email, VERIFY, 0), VERIFY);
    const known = await resend(account.email);
    const unknown = await resend('never-registered@example.com');
    assert.equal(known.status, 202);
    assert.deepEqual(
      { status: unknown.status, body: unknown.text, length: unknown.headers['content-length'] },
      { status: known.status, body: known.text, length: known.headers['content-length'] },
    );
    const newer = tokenOf(await sink.next(account.email, VERIFY, 1), VERIFY);
    assert.equal((await verify(older)).status, 400);
    assert.equal((await verify(newer)).status, 204);
    await login(t, account);
    await t.app.get(MailQueue).idle();
    assert.equal(sink.to('never-registered@example.com').length, 0);
  });

  it('lets an operator-provisioned admin log in without a verification mail', async () => {
    // startTestAppWithAdmin logged the bootstrap admin in; no mail was ever sent to it.
    assert.equal(sink.to(ADMIN).length, 0);
  });

  it('a completed password reset verifies the address too (the link proved the mailbox)', async () => {
    const account = await registerUser(t, 'resetverifies');
    await sink.next(account.email, VERIFY);
    assert.equal((await t.http.post('/api/v1/auth/password-reset/request').send({ email: account.email })).status, 202);
    const token = tokenOf(await sink.next(account.email, '/reset-password'), '/reset-password');
    const password = strongPassword();
    assert.equal((await t.http.post('/api/v1/auth/password-reset/confirm').send({ token, newPassword: password })).status, 204);
    await login(t, { email: account.email, password });
  });
});

describe('mail-sending requests are throttled per address and per target account', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let adminToken: string;

  before(async () => {
    sink = await startSmtpSink();
    ({ t, adminToken } = await startTestAppWithAdmin(
      {
        SMTP_URL: sink.url,
        MAIL_FROM: 'accounts@example.test',
        PUBLIC_BASE_URL: BASE,
        MAIL_THROTTLE_ACCOUNT_LIMIT: '2',
        MAIL_THROTTLE_ADDRESS_LIMIT: '3',
        MAIL_THROTTLE_WINDOW: '600',
      },
      'throttle-admin@example.com',
    ));
  });
  after(async () => {
    await t?.close();
    await sink?.close();
  });

  const reset = (email: string, from: string): Promise<RawResponse> =>
    httpFrom(portOf(t), { method: 'POST', path: '/api/v1/auth/password-reset/request', from, body: { email } });

  it('refuses the third reset request for one account from three addresses, known or unknown alike, and records the burst', async () => {
    const account = await registerUser(t, 'target');
    const known = [
      await reset(account.email, '127.0.1.1'),
      await reset(account.email, '127.0.1.2'),
      await reset(account.email, '127.0.1.3'),
    ];
    const unknownEmail = 'ghost-target@example.com';
    const unknown = [
      await reset(unknownEmail, '127.0.2.1'),
      await reset(unknownEmail, '127.0.2.2'),
      await reset(unknownEmail, '127.0.2.3'),
    ];
    assert.deepEqual(
      known.map((res) => res.status),
      [202, 202, 429],
    );
    assert.deepEqual(
      unknown.map((res) => [res.status, withoutRequestId(res.body), res.headers['retry-after']]),
      known.map((res) => [res.status, withoutRequestId(res.body), res.headers['retry-after']]),
    );
    await eventuallyEvent(
      portOf(t),
      adminToken,
      (event) => event.type === 'password_reset_burst' && event.actorId === account.id,
      'password_reset_burst naming the account',
    );
    await t.app.get(MailQueue).idle();
    assert.equal(sink.to(account.email, '/reset-password').length, 2, 'two links, not three');
  });

  it('refuses the fourth mail-sending request from one address, whatever the accounts', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await reset(`spread-${i}@example.com`, '127.0.3.1')).status);
    assert.deepEqual(statuses, [202, 202, 202, 429]);
    // Another address still gets through: the budget was the address's.
    assert.equal((await reset('spread-9@example.com', '127.0.3.2')).status, 202);
  });
});
