import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { tamper } from '../support/audit-rows.js';
import { bearer, login, strongPassword } from '../support/identity.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The built CLI, run as a script would: a clean environment, a scratch directory, optional stdin. */
const CLI = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../src'), 'cli', 'main.js');
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Nothing listens there: the shared state logs that Redis is unreachable, the case that once wrote to stdout. */
const UNREACHABLE_REDIS = 'redis://127.0.0.1:1';

interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function runCli(args: readonly string[], env: Record<string, string>, stdin?: string): Promise<CliResult> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
      cwd: mkdtempSync(join(tmpdir(), 'cli-script-')),
      timeout: 90_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** The CLI an operator can script (docs/operations.md "Command-line tools"). */
describe('cli for scripts', () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  before(async () => {
    db = await createTestDatabase();
    env = { NODE_ENV: 'test', LOG_LEVEL: 'info', DATABASE_URL: db.url, ...db.secrets };
  });
  after(async () => db.drop());

  it('prints usage on stdout with exit 0 for --help, for the CLI and for each command', async () => {
    const overview = await runCli(['--help'], {});
    assert.equal(overview.status, 0, overview.stderr);
    for (const name of ['migrate', 'create-admin', 'reencrypt', 'audit-verify', 'generate-secrets']) {
      assert.match(overview.stdout, new RegExp(`^  ${name} `, 'm'));
    }
    assert.match(overview.stdout, /Exit codes: 0 done, 1 refused or failed check, 2 usage error, 3 could not run/);
    const command = await runCli(['create-admin', '--help'], {});
    assert.equal(command.status, 0, command.stderr);
    assert.match(
      command.stdout,
      /create-admin --email <email> \(--password-file <path> \| --password-stdin \| --password <password>\)/,
    );
  });

  it('refuses unknown commands, unknown flags and stray arguments with exit 2 before reading the configuration', async () => {
    const invalid: ReadonlyArray<readonly string[]> = [
      [],
      ['create-user'],
      ['audit-verify', '--json'],
      ['migrate', 'extra'],
      ['reencrypt', '--batch-size', '0'],
      ['create-admin', '--email', 'a@example.com', '--password-stdin', '--password-file', '/tmp/x'],
    ];
    // No configuration at all: a usage error never touches secrets or the database.
    const results = await Promise.all(invalid.map((args) => runCli(args, { LOG_LEVEL: 'info' })));
    for (const [index, result] of results.entries()) {
      assert.equal(result.status, 2, `${invalid[index]!.join(' ')}: ${result.stderr}`);
      assert.equal(result.stdout, '', 'nothing on stdout');
      assert.match(result.stderr, /Usage: npm run --silent cli -- /);
    }
  });

  it('takes the password from --password-file or --password-stdin and prints only the id on stdout, logs on stderr', async () => {
    const passwordFile = join(mkdtempSync(join(tmpdir(), 'cli-secret-')), 'admin-password');
    const fromFile = strongPassword();
    writeFileSync(passwordFile, `${fromFile}\n`, { mode: 0o600 });
    const fromStdin = strongPassword();
    const withRedis = { ...env, REDIS_URL: UNREACHABLE_REDIS };

    const file = await runCli(['create-admin', '--email', 'file-admin@example.com', '--password-file', passwordFile], withRedis);
    const stdin = await runCli(
      ['create-admin', '--email', 'stdin-admin@example.com', '--password-stdin'],
      withRedis,
      `${fromStdin}\n`,
    );
    for (const result of [file, stdin]) {
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, new RegExp(`^${UUID.source.slice(1, -1)}\\n$`), `stdout is the id alone: ${result.stdout}`);
      assert.match(result.stderr, /"msg":"shared state: Redis unreachable"/, 'the log lines went to stderr');
    }

    const t = await startTestApp({}, {}, db);
    try {
      for (const [email, password, id] of [
        ['file-admin@example.com', fromFile, file.stdout.trim()],
        ['stdin-admin@example.com', fromStdin, stdin.stdout.trim()],
      ] as const) {
        const { accessToken } = await login(t, { email, password });
        const me = await t.http.get('/api/v1/auth/me').set(...bearer(accessToken));
        assert.deepEqual(
          [me.body.id, me.body.role],
          [id, 'admin'],
          'the password is the file or stdin without its final newline',
        );
      }
    } finally {
      await t.app.close();
    }

    const missing = await runCli(['create-admin', '--email', 'x@example.com', '--password-file', `${passwordFile}.absent`], env);
    const empty = await runCli(['create-admin', '--email', 'x@example.com', '--password-stdin'], env, '\n');
    for (const result of [missing, empty]) {
      assert.equal(result.status, 2, result.stderr);
      assert.equal(result.stdout, '');
    }
  });

  it('audit-verify exits 0 when the chain is intact and 1 when it was tampered with, printing one JSON line', async () => {
    const withRedis = { ...env, REDIS_URL: UNREACHABLE_REDIS };
    const intact = await runCli(['audit-verify'], withRedis);
    assert.equal(intact.status, 0, intact.stderr);
    assert.equal(JSON.parse(intact.stdout).valid, true, `stdout is one JSON line: ${intact.stdout}`);

    const t = await startTestApp({}, {}, db);
    try {
      for (let i = 0; i < 3; i++) await t.http.get('/api/v1/nowhere');
      await tamper(t, "UPDATE audit_events SET route = '/forged' WHERE seq = 2");
    } finally {
      await t.app.close();
    }
    const tampered = await runCli(['audit-verify'], withRedis);
    assert.equal(tampered.status, 1, tampered.stderr);
    assert.equal(JSON.parse(tampered.stdout).valid, false);
  });

  it('audit-verify exits 3, not 1, when it cannot check: unmigrated or unreachable database', async () => {
    const empty = await createTestDatabase();
    try {
      const [unmigrated, unreachable] = await Promise.all([
        runCli(['audit-verify'], {
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DATABASE_URL: empty.url,
          DB_MIGRATE_ON_START: 'false',
          ...empty.secrets,
        }),
        runCli(['audit-verify'], {
          NODE_ENV: 'test',
          LOG_LEVEL: 'warn',
          DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
          ...empty.secrets,
        }),
      ]);
      for (const result of [unmigrated, unreachable]) {
        assert.equal(result.status, 3, result.stderr);
        assert.equal(result.stdout, '');
        assert.match(result.stderr, /^audit-verify: cannot check the chain: /m);
      }
    } finally {
      await empty.drop();
    }
  });
});
