import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { Session } from '../../src/auth/sessions/session.entity.js';
import { SecurityEventRecord } from '../../src/security-events/security-event.entity.js';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { startInstance, type AppInstance } from '../support/app-instances.js';
import { accessTokenFrom, loginFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { strongPassword, type Account } from '../support/identity.js';
import { RedisKeys } from '../support/redis-keys.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { redisThroughProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/tls-client.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

interface Tokens {
  readonly accessToken: string;
  readonly refreshToken: string;
}

function runCli(
  args: readonly string[],
  env: Record<string, string>,
): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { PATH: process.env.PATH ?? '', ...env }, cwd: mkdtempSync(join(tmpdir(), 'cli-')), timeout: 60_000 },
      (error, stdout, stderr) =>
        done({ status: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr }),
    );
  });
}

/**
 * No half-made security decisions (docs/operations.md "Failure modes"): a security
 * change commits in the database with its event, whatever Redis does; Redis learns it after the
 * commit and is re-synced when it answers again. Redis sits behind a loopback TCP relay that the
 * test cuts and restores; the application under test and the CLI both reach Redis through it.
 */
describe('security changes while Redis is unreachable', { skip: SKIP_WITHOUT_REDIS }, () => {
  let proxy: TcpProxy;
  let t: TestApp;
  let port: number;
  let redisUrl: string;
  let keys: RedisKeys;
  let witnessToken: string;

  before(async () => {
    ({ proxy, url: redisUrl } = await redisThroughProxy(TEST_REDIS_URL!));
    t = await startTestApp({ REDIS_URL: redisUrl });
    port = portOf(t);
    keys = new RedisKeys(TEST_REDIS_URL!);
    witnessToken = await accessTokenFrom(port, '127.0.0.99', await registerFrom(port, '127.0.0.99', 'witness'));
  });
  after(async () => {
    await t?.close();
    await keys?.clear(redisKeyPrefix(t.config.apiKeyPepper));
    await keys?.close();
    await proxy?.cut();
  });

  const me = (token: string, from = '127.0.0.91') =>
    httpFrom(port, { path: '/api/v1/auth/me', from, headers: { Authorization: `Bearer ${token}` } });
  const refresh = (refreshToken: string, from = '127.0.0.92') =>
    httpFrom(port, { method: 'POST', path: '/api/v1/auth/refresh', from, body: { refreshToken } });
  const loginTokens = async (account: Account, from: string): Promise<Tokens> => {
    const res = await loginFrom(port, from, account);
    assert.equal(res.status, 200, res.body);
    return res.json<Tokens>();
  };
  const storedEvents = (type: string, actorId: string) =>
    t.app.get(DataSource).getRepository(SecurityEventRecord).find({ where: { type, actorId } });
  /** Redis answers again and this instance re-armed its revocations: a live token is served. */
  const redisBack = async () => {
    await proxy.restore();
    await waitFor(
      async () => (await me(witnessToken, '127.0.0.99')).status === 200,
      15_000,
      'Redis to be back and revocations re-armed',
    );
  };

  it('create-admin takes over an account while Redis is unreachable: exit 0, every session ended, event stored', async () => {
    const squatter = await registerFrom(port, '127.0.0.93', 'squatter');
    const sessions = [
      await loginTokens(squatter, '127.0.0.93'),
      await loginTokens(squatter, '127.0.0.93'),
      await loginTokens(squatter, '127.0.0.93'),
    ];
    await proxy.cut();
    const password = strongPassword();
    const result = await runCli(['create-admin', '--email', squatter.email, '--password', password], {
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      DATABASE_URL: t.db.url,
      REDIS_URL: redisUrl,
      ...t.db.secrets,
    });
    assert.equal(result.status, 0, `the takeover is decided by the database commit, not by Redis:\n${result.stderr}`);
    assert.equal(result.stdout.trim(), squatter.id);
    await redisBack();

    for (const session of sessions) {
      assert.equal((await refresh(session.refreshToken)).status, 401, 'a squatter session refreshed into an admin token');
      assert.equal((await me(session.accessToken)).status, 401);
    }
    assert.equal((await loginFrom(port, '127.0.0.94', squatter)).status, 401, 'the squatter password is gone');
    const admin = await loginTokens({ ...squatter, password }, '127.0.0.94');
    assert.equal((await me(admin.accessToken)).json<{ role: string }>().role, 'admin');
    const [event] = await storedEvents('admin_account_takeover', squatter.id);
    assert.ok(event, 'the takeover has its security event');
    assert.equal(event.details.sessions, 3);
  });

  it('a rotated refresh token replayed while Redis is unreachable: 401, the family is dead once Redis is back, the event is stored', async () => {
    const victim = await registerFrom(port, '127.0.0.95', 'replayed');
    const first = await loginTokens(victim, '127.0.0.95');
    const rotated = await refresh(first.refreshToken, '127.0.0.95');
    assert.equal(rotated.status, 200);
    const current = rotated.json<Tokens>();
    assert.equal((await me(current.accessToken, '127.0.0.95')).status, 200);

    await proxy.cut();
    const replay = await refresh(first.refreshToken, '127.0.0.96');
    assert.equal(replay.status, 401, 'the reuse is decided in the database: a refusal, not a 503');
    assert.match(String(replay.headers['content-type']), /^application\/problem\+json/);
    await redisBack();

    assert.equal((await me(current.accessToken, '127.0.0.95')).status, 401, "the family's access token must be dead");
    assert.equal((await refresh(current.refreshToken, '127.0.0.95')).status, 401, "the family's refresh token must be dead");
    assert.equal((await storedEvents('refresh_token_reuse', victim.id)).length, 1, 'refresh_token_reuse is stored');
  });

  it('a revocation committed while Redis is unreachable is written to Redis once it answers', async () => {
    const user = await registerFrom(port, '127.0.0.97', 'resync');
    const token = await accessTokenFrom(port, '127.0.0.97', user);
    const sessionId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sid as string;
    await proxy.cut();
    // Committed by another writer (as another instance or the CLI would), straight in the database.
    await t.app.get(DataSource).getRepository(Session).update({ id: sessionId }, { revokedAt: new Date() });
    await redisBack();
    const prefix = redisKeyPrefix(t.config.apiKeyPepper);
    await waitFor(
      async () => (await keys.list(`${prefix}revoked-session:${sessionId}`)).length === 1,
      10_000,
      'the revocation in Redis',
    );
    assert.equal((await me(token, '127.0.0.97')).status, 401);
  });
});

/**
 * Paired cold starts with BOOTSTRAP_ADMIN_* on an empty database: both instances
 * come up every time, with one admin between them.
 */
describe('two instances bootstrapping the same admin at once', { skip: SKIP_WITHOUT_REDIS }, () => {
  const PAIRS = 10;

  it('all 10 paired starts come up, with exactly one admin each time', async () => {
    for (let pair = 0; pair < PAIRS; pair++) {
      const db = await createTestDatabase();
      const instances: AppInstance[] = [];
      try {
        const env = {
          ...db.secrets,
          DATABASE_URL: db.url,
          BOOTSTRAP_ADMIN_EMAIL: 'paired-admin@example.com',
          BOOTSTRAP_ADMIN_PASSWORD: strongPassword(),
        };
        const started = await Promise.allSettled([startInstance('A', env), startInstance('B', env)]);
        for (const s of started) if (s.status === 'fulfilled') instances.push(s.value);
        const failures = started.filter((s): s is PromiseRejectedResult => s.status === 'rejected');
        assert.equal(failures.length, 0, `pair ${pair}: ${failures.map((f) => String(f.reason)).join('\n')}`);
        const client = new pg.Client({ connectionString: db.url });
        await client.connect();
        try {
          const { rows } = await client.query<{ n: string }>("SELECT count(*) AS n FROM users WHERE role = 'admin'");
          assert.equal(Number(rows[0]!.n), 1);
        } finally {
          await client.end();
        }
      } finally {
        await Promise.all(instances.map((instance) => instance.stop()));
        await db.drop();
      }
    }
  });
});
