import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createTestDatabase } from '../support/test-database.js';

/** Black-box start-up of the compiled server and CLI, as an operator would run them. */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');
const server = join(root, 'main.js');
const cli = join(root, 'cli', 'main.js');

/** Only what a clean shell would have: no secrets leak in from the test runner's environment. */
function cleanEnv(extra: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...extra };
}

function parseEnvBlock(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const match of text.matchAll(/^([A-Z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\n]*))$/gm)) {
    env[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
  }
  return env;
}

async function waitForHealth(port: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/live`);
      return res.status;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error('server did not answer in time');
}

describe('production start-up', () => {
  it('exits non-zero naming the first missing secret', () => {
    const result = spawnSync(process.execPath, [server], {
      env: cleanEnv({ NODE_ENV: 'production' }),
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.notEqual(result.status, 0);
    assert.match(result.stderr, /JWT_PRIVATE_KEY/);
  });

  it('serves with the secrets printed by `cli generate-secrets`', async () => {
    const generated = spawnSync(process.execPath, [cli, 'generate-secrets'], { env: cleanEnv({}), encoding: 'utf8' });
    assert.equal(generated.status, 0, generated.stderr);
    const secrets = parseEnvBlock(generated.stdout);
    for (const name of [
      'JWT_PRIVATE_KEY',
      'FIELD_ENCRYPTION_KEYS',
      'BLIND_INDEX_KEY',
      'API_KEY_PEPPER',
      'JWT_ISSUER',
      'JWT_AUDIENCE',
    ]) {
      assert.ok(secrets[name], `generate-secrets did not print ${name}`);
    }
    const db = await createTestDatabase();
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [server], {
      env: cleanEnv({ ...secrets, DATABASE_URL: db.url, PORT: String(port) }),
      stdio: 'ignore',
    });
    try {
      assert.equal(await waitForHealth(port, 30_000), 200);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      await db.drop();
    }
  });
});

describe('cli', () => {
  it('migrate applies migrations and is idempotent', async () => {
    const db = await createTestDatabase();
    try {
      const env = cleanEnv({ NODE_ENV: 'test', DATABASE_URL: db.url });
      const first = spawnSync(process.execPath, [cli, 'migrate'], { env, encoding: 'utf8' });
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stdout, /migration\(s\) applied/);
      const second = spawnSync(process.execPath, [cli, 'migrate'], { env, encoding: 'utf8' });
      assert.equal(second.status, 0, second.stderr);
      assert.match(second.stdout, /^0 migration\(s\) applied/m);
    } finally {
      await db.drop();
    }
  });

  it('rejects an unknown command with usage and exit code 2', () => {
    const result = spawnSync(process.execPath, [cli, 'frobnicate'], {
      env: cleanEnv({}),
      encoding: 'utf8',
      cwd: mkdtempSync(join(tmpdir(), 'cli-')),
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /Usage/);
  });
});
