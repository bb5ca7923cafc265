import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateSecrets } from '../../src/config/secret-generator.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const server = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../src'), 'main.js');

/** The compiled server, as an operator starts it, with one setting wrong. */
function startServer(extra: Record<string, string>): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [server], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', PORT: '0', ...extra },
    cwd: mkdtempSync(join(tmpdir(), 'config-refusal-')),
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Configuration footguns: refused at boot with one line naming the variable. */
describe('configuration refused at boot', () => {
  for (const [variable, value] of [
    ['CORS_ORIGINS', 'null'],
    ['CORS_ORIGINS', 'https://*.example.com'],
    ['TRUST_PROXY', '0.0.0.0/0'],
    ['TRUST_PROXY', '::/0'],
    ['BOOTSTRAP_ADMIN_EMAIL', 'not-an-email'],
  ] as const) {
    it(`refuses ${variable}=${value} with a message naming it and no stack trace`, () => {
      const env: Record<string, string> = { [variable]: value };
      if (variable === 'BOOTSTRAP_ADMIN_EMAIL') env.BOOTSTRAP_ADMIN_PASSWORD = 'bootstrap correct horse battery staple';
      const result = startServer(env);
      assert.equal(result.status, 1, result.stderr);
      assert.match(result.stderr, new RegExp(`^Configuration error: ${variable}: `, 'm'));
      assert.doesNotMatch(result.stderr + result.stdout, /^\s+at /m, 'no stack trace');
    });
  }
});

describe('production mail refused at boot', () => {
  it('refuses to start in production with password reset on and no SMTP_URL, naming SMTP_URL', () => {
    const result = startServer({
      NODE_ENV: 'production',
      JWT_ISSUER: 'https://issuer.test',
      JWT_AUDIENCE: 'https://api.test',
      ...generateSecrets(),
      PASSWORD_RESET_ENABLED: 'true',
    });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stderr, /^Configuration error: SMTP_URL: is required in production when PASSWORD_RESET_ENABLED is on/m);
  });
});

describe('accepted network settings', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({
      CORS_ORIGINS: 'https://app.example.com',
      TRUST_PROXY: 'loopback, 10.0.0.0/8, fd00::/16, ::ffff:10.0.0.0/104',
    });
  });
  after(async () => t.close());

  it('boots with proxy ranges and answers CORS only for a listed origin, never for Origin: null', async () => {
    const listed = await t.http.get('/health/live').set('Origin', 'https://app.example.com');
    assert.equal(listed.headers['access-control-allow-origin'], 'https://app.example.com');
    const sandboxed = await t.http.get('/health/live').set('Origin', 'null');
    assert.equal(sandboxed.headers['access-control-allow-origin'], undefined);
  });
});
