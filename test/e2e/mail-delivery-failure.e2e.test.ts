import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { MailQueue } from '../../src/mail/mail-queue.js';
import { accessTokenFrom, portOf } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { bearer, registerUser, strongPassword, type Account } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const BASE = 'https://accounts.example.test/app';

/*
 * Its own file: nestjs-pino's logger outside a request is process-wide, the first app's, so the
 * log this suite reads must come from the only app of its process.
 */
/** A TCP port nobody listens on: the SMTP server is down. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('password reset when the SMTP server is down', () => {
  let t: TestApp;
  let adminToken: string;
  const lines: string[] = [];

  before(async () => {
    const logs = new Writable({
      write(chunk, _encoding, done) {
        lines.push(
          ...String(chunk)
            .split('\n')
            .filter((line) => line.trim() !== ''),
        );
        done();
      },
    });
    const env = {
      SMTP_URL: `smtp://127.0.0.1:${await closedPort()}`,
      MAIL_FROM: 'accounts@example.test',
      PUBLIC_BASE_URL: BASE,
      MAIL_SEND_ATTEMPTS: '2',
      MAIL_RETRY_DELAY_MS: '20',
      LOG_LEVEL: 'info',
    };
    // startTestAppWithAdmin has no log option: the same steps, with the log captured.
    const password = strongPassword();
    t = await startTestApp(
      { ...env, BOOTSTRAP_ADMIN_EMAIL: 'down-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: password },
      { logDestination: logs },
    );
    adminToken = await accessTokenFrom(portOf(t), '127.0.0.1', { email: 'down-admin@example.com', password });
  });
  after(async () => {
    await t?.close();
  });

  it('still answers 202 with nothing in the body, counts the failure in /metrics, and logs it without address or link', async () => {
    const account: Account = await registerUser(t, 'smtpdown');
    const res = await httpFrom(portOf(t), {
      method: 'POST',
      path: '/api/v1/auth/password-reset/request',
      body: { email: account.email },
    });
    assert.equal(res.status, 202);
    assert.equal(res.body, '');
    await t.app.get(MailQueue).idle();

    const key = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(adminToken))
      .send({ name: 'scrape', scopes: ['metrics:read'] });
    const metrics = await t.http.get('/metrics').set('X-API-Key', key.body.key as string);
    assert.equal(metrics.status, 200);
    assert.match(metrics.text, /^mail_messages_total\{kind="password_reset",outcome="failed"\} 1$/m);
    assert.match(metrics.text, /^mail_send_attempt_failures_total\{kind="password_reset"\} 2$/m);

    const failure = lines.find((line) => line.includes('Mail not delivered'));
    assert.ok(failure, 'the failure is logged');
    assert.match(failure, /ECONNREFUSED|ESOCKET|ECONNECTION/);
    const local = account.email.split('@')[0]!;
    for (const line of lines) {
      assert.ok(!line.includes(local), `the address is not logged: ${line}`);
      assert.ok(!line.includes('#token='), 'no link is logged');
    }
    // The token was issued (the job ran), yet appears in no log line: the hash neither.
    const rows = (await t.app.get(DataSource).query('SELECT token_hash FROM one_time_tokens')) as { token_hash: string }[];
    assert.equal(rows.length, 2, 'the verification link of the registration and the reset link');
    for (const row of rows) assert.ok(lines.every((line) => !line.includes(row.token_hash)));
  });
});
