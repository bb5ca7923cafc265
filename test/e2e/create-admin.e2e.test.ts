import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bearer, login, registerUser, strongPassword } from '../support/identity.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** `npm run cli -- create-admin` (docs/operations.md#command-line-tools), run as an operator would: the built CLI, a clean environment. */
const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../src'), 'cli', 'main.js');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface CliResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI with only `env` (plus PATH) and a scratch working directory; resolves with its exit code. */
function runCli(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd: mkdtempSync(join(tmpdir(), 'cli-')), timeout: 60_000 },
      (error, stdout, stderr) => {
        const status = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ status, stdout, stderr });
      },
    );
  });
}

describe('cli create-admin', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase();
    // No `migrate` first: the command boots the server's module graph, which migrates on start.
    env = { NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: db.url, ...db.secrets };
  });
  after(async () => db.drop());

  it('creates an admin who can log in and is shown the admin role', async () => {
    const email = 'cli-admin@example.com';
    const password = strongPassword();
    const created = await runCli(['create-admin', '--email', email, '--password', password], env);
    assert.equal(created.status, 0, created.stderr);
    const id = created.stdout.trim();
    assert.match(id, UUID, 'stdout carries only the new admin id');

    const t = await startTestApp({}, {}, db);
    try {
      const { accessToken } = await login(t, { email, password });
      const me = await t.http.get('/api/v1/auth/me').set(...bearer(accessToken));
      assert.equal(me.status, 200);
      assert.equal(me.body.id, id);
      assert.equal(me.body.role, 'admin');
    } finally {
      await t.app.close();
    }

    const again = await runCli(['create-admin', `--email=${email.toUpperCase()}`, `--password=${password}`], env);
    assert.equal(again.status, 0, again.stderr);
    assert.equal(again.stdout.trim(), id, 'the same email (any case) is one account');
  });

  it('takes over an existing account only with the new password, ending its sessions', async () => {
    // Registration is public: someone may have registered the admin's address first.
    const t = await startTestApp({}, {}, db);
    try {
      const squatter = await registerUser(t, 'squatted-admin');
      const tokens = await login(t, squatter);
      const password = strongPassword();
      const result = await runCli(['create-admin', '--email', squatter.email, '--password', password], env);
      assert.equal(result.status, 0, result.stderr);
      assert.equal(result.stdout.trim(), squatter.id);

      assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(tokens.accessToken))).status, 401, 'old access token');
      assert.equal((await t.http.post('/api/v1/auth/refresh').send({ refreshToken: tokens.refreshToken })).status, 401);
      const oldPassword = await t.http.post('/api/v1/auth/login').send({ email: squatter.email, password: squatter.password });
      assert.equal(oldPassword.status, 401, 'the previous password no longer works');
      const { accessToken } = await login(t, { email: squatter.email, password });
      assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(accessToken))).body.role, 'admin');
    } finally {
      await t.app.close();
    }
  });

  it('refuses a password that fails the policy with exit code 1 and the policy messages', async () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ['too-short-pw', /at least 15 characters/],
      ['1qaz2wsx3edc4rfv', /commonly used or breached/],
      ['policy-admin says hello there', /must not contain your email name/],
    ];
    for (const [password, message] of cases) {
      const result = await runCli(['create-admin', '--email', 'policy-admin@example.com', '--password', password], env);
      assert.equal(result.status, 1, password);
      assert.match(result.stderr, message);
      assert.equal(result.stdout, '', 'no id is printed when nothing was created');
      assert.ok(!result.stderr.includes(password), 'the refused password is never echoed');
    }
    const t = await startTestApp({}, {}, db);
    try {
      const res = await t.http.post('/api/v1/auth/login').send({ email: 'policy-admin@example.com', password: 'too-short-pw' });
      assert.equal(res.status, 401, 'no account was created');
    } finally {
      await t.app.close();
    }
  });

  it('refuses missing, unknown, repeated or valueless flags and a bad email with usage and exit code 2', async () => {
    const password = strongPassword();
    const invalid: ReadonlyArray<readonly string[]> = [
      [],
      ['--email', 'someone@example.com'],
      ['--password', password],
      ['--email', 'someone@example.com', '--password', password, '--role', 'user'],
      ['--email', 'someone@example.com', '--email', 'other@example.com', '--password', password],
      ['--email', 'someone@example.com', '--password'],
      ['--email', '--password', password],
      ['--email', 'someone@example.com', '--password', password, 'stray'],
      ['--email', 'not-an-email', '--password', password],
    ];
    // No configuration at all: usage errors are reported before secrets or the database are touched.
    const results = await Promise.all(invalid.map((args) => runCli(['create-admin', ...args], { LOG_LEVEL: 'warn' })));
    for (const [index, result] of results.entries()) {
      assert.equal(result.status, 2, invalid[index]!.join(' '));
      assert.match(result.stderr, /Usage: npm run --silent cli -- create-admin --email <email> /);
      assert.ok(!result.stderr.includes(password), 'the password is never echoed');
    }
  });
});
