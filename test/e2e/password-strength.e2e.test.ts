import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bearer, login, registerUser } from '../support/identity.js';
import { GUESSABLE_PASSWORDS } from '../support/guessable-passwords.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

const GUESSABLE = GUESSABLE_PASSWORDS;
/** One character repeated: the list rule already refused it; it must stay refused. */
const REPEATED = 'xxxxxxxxxxxxxxxxxxxxxxxx';

/**
 * The one password policy (src/auth/passwords/password-policy.ts, assessPassword) applies the
 * zxcvbn-ts strength rule on every way in: registration, change-password, the bootstrap admin
 * (also in production) and `cli create-admin`. Each refusal is a 400 problem naming the rule.
 */
describe('guessable passwords are refused everywhere a password is set', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp();
  });
  after(async () => t.close());

  it('registration refuses sequences, keyboard walks and padded repeated words with a 400 naming the rule', async () => {
    for (const [i, password] of [...GUESSABLE, REPEATED].entries()) {
      const email = `weak-${i}-${Date.now()}@example.com`;
      const res = await t.http.post('/api/v1/auth/register').send({ email, password, displayName: 'Weak Tester' });
      assert.equal(res.status, 400, password);
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
      assert.equal(res.body.errors?.[0]?.field, 'password');
      const rule = password === REPEATED ? /commonly used or breached|too easy to guess/ : /too easy to guess/;
      assert.match(res.body.errors[0].message, rule, password);
      assert.ok(!JSON.stringify(res.body).includes(password), 'the refused password is not echoed');
      const nothing = await t.http.post('/api/v1/auth/login').send({ email, password });
      assert.equal(nothing.status, 401, 'no account was created');
    }
  });

  it('says which pattern made the password guessable', async () => {
    const res = await t.http
      .post('/api/v1/auth/register')
      .send({ email: `walk-${Date.now()}@example.com`, password: 'dragondragondragon1', displayName: 'Walker' });
    assert.equal(res.status, 400);
    assert.match(res.body.errors[0].message, /^password is too easy to guess: it is built from repeated characters or words/);
  });

  it('change-password refuses a guessable new password and keeps the old one', async () => {
    const account = await registerUser(t, 'weak-change');
    const { accessToken } = await login(t, account);
    const res = await t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(accessToken))
      .send({ currentPassword: account.password, newPassword: 'monkeymonkey123' });
    assert.equal(res.status, 400);
    assert.equal(res.body.errors?.[0]?.field, 'newPassword');
    assert.match(res.body.errors[0].message, /^newPassword is too easy to guess/);
    await login(t, account);
  });

  it('refuses to boot with a guessable BOOTSTRAP_ADMIN_PASSWORD, naming the variable and the rule', async () => {
    const outcome = await startTestApp({
      BOOTSTRAP_ADMIN_EMAIL: 'weak-root@example.com',
      BOOTSTRAP_ADMIN_PASSWORD: 'iloveyouiloveyou!',
    }).then(
      async (started) => {
        await started.close(); // a server that started must not keep the test process alive
        return 'started';
      },
      (error: unknown) => String(error),
    );
    assert.match(outcome, /BOOTSTRAP_ADMIN_PASSWORD.*too easy to guess/);
  });
});

describe('guessable passwords outside the HTTP API', () => {
  const clean = (extra: Record<string, string>) => ({ PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...extra });

  it('a production server refuses to start with a guessable bootstrap admin password', async () => {
    const generated = spawnSync(process.execPath, [join(ROOT, 'cli', 'main.js'), 'generate-secrets'], {
      env: clean({}),
      encoding: 'utf8',
    });
    assert.equal(generated.status, 0, generated.stderr);
    const secrets: Record<string, string> = {};
    for (const match of generated.stdout.matchAll(/^([A-Z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\n]*))$/gm)) {
      secrets[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
    }
    const db = await createTestDatabase();
    try {
      const result = spawnSync(process.execPath, [join(ROOT, 'main.js')], {
        env: clean({
          ...secrets,
          NODE_ENV: 'production',
          DATABASE_URL: db.url,
          PORT: '0',
          BOOTSTRAP_ADMIN_EMAIL: 'prod-root@example.com',
          BOOTSTRAP_ADMIN_PASSWORD: 'qwertyuiopasdfghjkl',
        }),
        encoding: 'utf8',
        timeout: 60_000,
      });
      assert.notEqual(result.status, 0, 'the server started');
      assert.match(result.stdout + result.stderr, /BOOTSTRAP_ADMIN_PASSWORD.*too easy to guess/);
      assert.ok(!(result.stdout + result.stderr).includes('qwertyuiopasdfghjkl'), 'the password is never printed');
    } finally {
      await db.drop();
    }
  });

  it('cli create-admin refuses a guessable password with exit code 1 and the rule', async () => {
    const db = await createTestDatabase();
    try {
      const env = clean({ NODE_ENV: 'test', DATABASE_URL: db.url, ...db.secrets });
      const result = await new Promise<{ status: number; stdout: string; stderr: string }>((done) =>
        execFile(
          process.execPath,
          [join(ROOT, 'cli', 'main.js'), 'create-admin', '--email', 'cli-weak@example.com', '--password', 'dragondragondragon1'],
          { env, cwd: mkdtempSync(join(tmpdir(), 'cli-')), timeout: 60_000 },
          (error, stdout, stderr) =>
            done({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
        ),
      );
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, /too easy to guess/);
      assert.equal(result.stdout, '');
    } finally {
      await db.drop();
    }
  });
});
