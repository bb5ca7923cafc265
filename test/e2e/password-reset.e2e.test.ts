import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { MailQueue } from '../../src/mail/mail-queue.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { portOf } from '../support/clients.js';
import { httpFrom, type RawResponse } from '../support/http-from.js';
import { bearer, login, registerUser, strongPassword } from '../support/identity.js';
import { enrolTotp, enrolmentOf, viaSupertest } from '../support/mfa.js';
import { eventuallyEvent } from '../support/security-events-reader.js';
import { startSmtpSink, tokenOf, type SmtpSink } from '../support/smtp-sink.js';
import type { TestApp } from '../support/test-app.js';

const BASE = 'https://accounts.example.test/app';
const RESET = '/reset-password';

function mailEnv(sink: SmtpSink): Record<string, string> {
  return { SMTP_URL: sink.url, MAIL_FROM: 'accounts@example.test', PUBLIC_BASE_URL: BASE };
}

function requestReset(t: TestApp, email: string, from = '127.0.0.1', headers: Record<string, string> = {}): Promise<RawResponse> {
  return httpFrom(portOf(t), { method: 'POST', path: '/api/v1/auth/password-reset/request', from, headers, body: { email } });
}

function confirmReset(t: TestApp, token: string, newPassword: string, proof: Record<string, string> = {}) {
  return t.http.post('/api/v1/auth/password-reset/confirm').send({ token, newPassword, ...proof });
}

/** The first step of a login, which for an account with MFA spends no code: 200 mfaRequired, or 401. */
function passwordStep(t: TestApp, email: string, password: string) {
  return t.http.post('/api/v1/auth/login').send({ email, password });
}

/** What an observer of the answer sees: status, body and the headers that could differ. */
function shapeOf(res: RawResponse) {
  return {
    status: res.status,
    body: res.body,
    contentType: res.headers['content-type'],
    contentLength: res.headers['content-length'],
    cacheControl: res.headers['cache-control'],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Password reset by email against a real SMTP server on loopback (docs/account-lifecycle.md
 * #password-reset-and-email-verification): the tests read the captured mails and follow their links.
 */
describe('password reset by email', () => {
  let sink: SmtpSink;
  let t: TestApp;
  let adminToken: string;
  let queue: MailQueue;

  before(async () => {
    sink = await startSmtpSink();
    ({ t, adminToken } = await startTestAppWithAdmin(mailEnv(sink), 'reset-admin@example.com'));
    queue = t.app.get(MailQueue);
  });
  after(async () => {
    await t?.close();
    await sink?.close();
  });

  it('mails a single-use link built from PUBLIC_BASE_URL even with a hostile Host header; it resets the password and ends every session', async () => {
    const account = await registerUser(t, 'reset');
    const session = await login(t, account);
    const res = await requestReset(t, account.email, '127.0.0.1', {
      Host: 'evil.example',
      'X-Forwarded-Host': 'evil.example',
      'X-Forwarded-Proto': 'http',
      Forwarded: 'host=evil.example',
    });
    assert.equal(res.status, 202);
    assert.equal(res.body, '');

    const mail = await sink.next(account.email, RESET, 0);
    assert.equal(mail.from, 'accounts@example.test');
    assert.equal(mail.links.length, 1, 'one link, nothing else to click');
    assert.ok(mail.links[0]!.startsWith(`${BASE}/reset-password#token=`), mail.links[0]);
    assert.doesNotMatch(mail.raw, /evil\.example/);
    const token = tokenOf(mail, '/reset-password');
    assert.ok(Buffer.from(token, 'base64url').length >= 16, 'at least 128 bits');
    assert.doesNotMatch(mail.raw, new RegExp(account.password), 'no password in the mail');

    const newPassword = strongPassword();
    assert.equal((await confirmReset(t, token, newPassword)).status, 204);

    // Every session and token of the account is dead: access token, refresh token.
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(session.accessToken))).status, 401);
    assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: session.refreshToken })).status, 401);
    assert.equal(
      (await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password })).status,
      401,
    );
    await login(t, { email: account.email, password: newPassword });

    // The link works once.
    const reused = await confirmReset(t, token, strongPassword());
    assert.equal(reused.status, 400);
    assert.equal(reused.body.detail, 'The reset link is invalid or has expired; ask for a new one.');
    await login(t, { email: account.email, password: newPassword });

    // The token is stored only as a hash; the event commits with the change.
    const rows = (await t.app.get(DataSource).query('SELECT token_hash FROM one_time_tokens')) as { token_hash: string }[];
    assert.ok(rows.every((row) => row.token_hash !== token && /^[0-9a-f]{64}$/.test(row.token_hash)));
    await eventuallyEvent(
      portOf(t),
      adminToken,
      (e) => e.type === 'password_reset' && e.actorId === account.id,
      'password_reset',
    );
  });

  it('a newer reset link invalidates the older one', async () => {
    const account = await registerUser(t, 'newer');
    assert.equal((await requestReset(t, account.email)).status, 202);
    const older = tokenOf(await sink.next(account.email, RESET, 0), '/reset-password');
    assert.equal((await requestReset(t, account.email)).status, 202);
    const newer = tokenOf(await sink.next(account.email, RESET, 1), '/reset-password');
    assert.notEqual(older, newer);
    assert.equal((await confirmReset(t, older, strongPassword())).status, 400);
    assert.equal((await confirmReset(t, newer, strongPassword())).status, 204);
  });

  it('an expired reset link is refused, and changes nothing', async () => {
    const account = await registerUser(t, 'expired');
    assert.equal((await requestReset(t, account.email)).status, 202);
    const token = tokenOf(await sink.next(account.email, RESET, 0), '/reset-password');
    // 15 minutes later, as the database sees it.
    const past = new Date(Date.now() - 1000).toISOString();
    await t.app.get(DataSource).query(
      'UPDATE one_time_tokens SET expires_at = $1 WHERE user_id = $2'.replace(/\$\d/g, (p) =>
        t.db.kind === 'postgres' ? p : '?',
      ),
      [past, account.id],
    );
    const res = await confirmReset(t, token, strongPassword());
    assert.equal(res.status, 400);
    assert.equal(res.body.detail, 'The reset link is invalid or has expired; ask for a new one.');
    await login(t, account);
  });

  it('applies the password policy, strength check included; a refused password leaves the link usable', async () => {
    const account = await registerUser(t, 'policy');
    assert.equal((await requestReset(t, account.email)).status, 202);
    const token = tokenOf(await sink.next(account.email, RESET, 0), '/reset-password');
    const weak = await confirmReset(t, token, 'password');
    assert.equal(weak.status, 400);
    assert.equal(weak.body.errors[0].field, 'newPassword');
    // Long enough, but a keyboard walk: the strength check runs on this path too.
    const guessable = await confirmReset(t, token, 'qwertyuiopasdfghjkl');
    assert.equal(guessable.status, 400, JSON.stringify(guessable.body));
    assert.equal(guessable.body.errors[0].field, 'newPassword');
    await login(t, account);
    assert.equal((await confirmReset(t, token, strongPassword())).status, 204);
  });

  it('does not let the mailbox alone take over an account with MFA: confirm needs the second factor too', async () => {
    const account = await registerUser(t, 'reset-mfa');
    await enrolTotp(viaSupertest(t), account.email, await login(t, account));
    assert.equal((await requestReset(t, account.email)).status, 202);
    const token = tokenOf(await sink.next(account.email, RESET, 0), '/reset-password');
    const newPassword = strongPassword();

    const bare = await confirmReset(t, token, newPassword);
    assert.equal(bare.status, 400, JSON.stringify(bare.body));
    assert.equal(bare.body.errors[0].field, 'code');
    const wrong = await confirmReset(t, token, newPassword, { code: '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.errors[0].field, 'code');
    assert.equal((await passwordStep(t, account.email, account.password)).body.mfaRequired, true, 'nothing changed');

    // The authenticator is lost: a recovery code does it, once.
    const recoveryCode = enrolmentOf(account.email)!.recoveryCodes.shift()!;
    assert.equal((await confirmReset(t, token, newPassword, { recoveryCode })).status, 204);
    assert.equal((await passwordStep(t, account.email, account.password)).status, 401);
    const after = await passwordStep(t, account.email, newPassword);
    assert.equal(after.status, 200);
    assert.equal(after.body.mfaRequired, true, 'the reset replaced the password and kept the second factor');
    assert.equal(after.body.accessToken, undefined);
  });

  it('refuses a second factor for an account that has none, and changes nothing', async () => {
    const account = await registerUser(t, 'reset-no-mfa');
    assert.equal((await requestReset(t, account.email)).status, 202);
    const token = tokenOf(await sink.next(account.email, RESET, 0), '/reset-password');
    const res = await confirmReset(t, token, strongPassword(), { code: '123456' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors[0].field, 'code');
    await login(t, account);
  });

  it('answers an unknown email exactly as a known one, and sends it nothing', async () => {
    const account = await registerUser(t, 'known');
    const unknown = 'nobody-here@example.com';
    const known = await requestReset(t, account.email);
    const stranger = await requestReset(t, unknown);
    assert.deepEqual(shapeOf(stranger), shapeOf(known));
    await queue.idle();
    assert.equal(sink.to(account.email, RESET).length, 1);
    assert.equal(sink.to(unknown).length, 0);
  });

  it('takes the same time for known and unknown emails, measured, even when the SMTP server is slow', async () => {
    const account = await registerUser(t, 'timing');
    const unknown = 'timing-unknown@example.com';
    // A slow mail server: if the answer waited for the mail, known emails would take 150 ms more.
    sink.delayMs = 150;
    try {
      const time = async (email: string) => {
        const started = process.hrtime.bigint();
        const res = await requestReset(t, email);
        assert.equal(res.status, 202);
        return Number(process.hrtime.bigint() - started) / 1e6;
      };
      for (let i = 0; i < 3; i++) await time(i % 2 === 0 ? account.email : unknown); // warm-up
      const knownTimes: number[] = [];
      const unknownTimes: number[] = [];
      for (let i = 0; i < 20; i++) {
        knownTimes.push(await time(account.email));
        unknownTimes.push(await time(unknown));
      }
      const difference = Math.abs(median(knownTimes) - median(unknownTimes));
      assert.ok(
        difference < 25,
        `medians differ by ${difference.toFixed(1)} ms (known ${median(knownTimes).toFixed(1)}, unknown ${median(unknownTimes).toFixed(1)})`,
      );
      await queue.idle();
    } finally {
      sink.delayMs = 0;
    }
  });
});
