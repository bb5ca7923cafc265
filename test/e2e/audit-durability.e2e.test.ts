import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/load-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * "Nothing lost" (docs/http-contract.md#audit-events / audit issue): every response is sent only after its audit event is
 * committed, so killing the server with SIGKILL under load must leave an event for every response
 * the client received. Black-box: the compiled server in its own process.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

function env(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'warn', DATABASE_URL: db.url, ...db.secrets, ...extra };
}

async function startServer(db: TestDatabase): Promise<{ child: ChildProcess; port: number }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  // Limits raised so the load keeps flowing: this test is about durability, not throttling.
  const limits = { THROTTLE_DEFAULT_LIMIT: '1000000', THROTTLE_AUTH_LIMIT: '1000000', IDS_ENABLED: 'false' };
  const child = spawn(process.execPath, [join(root, 'main.js')], {
    env: env(db, { PORT: String(port), ...limits }),
    stdio: 'ignore',
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) return { child, port };
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error('server did not start');
}

describe('audit durability', () => {
  it('loses no event for any response the client received when the server is killed (SIGKILL) under load', async () => {
    const db = await createTestDatabase();
    try {
      const { child, port } = await startServer(db);
      const received: string[] = [];
      let stop = false;
      const worker = async (w: number) => {
        for (let i = 0; !stop; i++) {
          const requestId = `kill-${w}-${i}-${Date.now()}`;
          try {
            const res = await fetch(`http://127.0.0.1:${port}${i % 2 ? '/api/v1/notes' : '/api/v1/nowhere'}`, {
              headers: { 'X-Request-Id': requestId },
            });
            await res.arrayBuffer();
            // The client's id comes back as the correlation id (the request id is the server's own).
            if (res.headers.get('x-correlation-id') === requestId) received.push(requestId);
          } catch {
            return; // the server is gone
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      await new Promise((r) => setTimeout(r, 2000));
      child.kill('SIGKILL');
      stop = true;
      await Promise.all(workers);
      assert.ok(received.length > 30, `only ${received.length} responses before the kill`);

      const dataSource = await new DataSource(buildDataSourceOptions(loadConfig(env(db)))).initialize();
      try {
        const rows: { correlation_id: string | null }[] = await dataSource.query('SELECT correlation_id FROM audit_events');
        const recorded = new Set(rows.map((row) => row.correlation_id));
        const missing = received.filter((id) => !recorded.has(id));
        assert.deepEqual(missing, [], `${missing.length} of ${received.length} answered requests have no audit event`);
        assert.equal(rows.length, recorded.size, 'an event was recorded twice');
      } finally {
        await dataSource.destroy();
      }

      // After a restart the chain is intact and `cli audit-verify` says so.
      const verify = spawnSync(process.execPath, [join(root, 'cli', 'main.js'), 'audit-verify'], {
        env: env(db),
        encoding: 'utf8',
      });
      assert.equal(verify.status, 0, verify.stdout + verify.stderr);
      assert.equal(JSON.parse(verify.stdout.trim().split('\n').at(-1)!).valid, true);
    } finally {
      await db.drop();
    }
  });

  it('`cli audit-verify` exits 1 and names the first invalid event after tampering', async () => {
    const db = await createTestDatabase();
    try {
      const { child, port } = await startServer(db);
      for (let i = 0; i < 3; i++) await (await fetch(`http://127.0.0.1:${port}/api/v1/nowhere`)).arrayBuffer();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      const dataSource = await new DataSource(buildDataSourceOptions(loadConfig(env(db)))).initialize();
      const [second] = await dataSource.query('SELECT id FROM audit_events WHERE seq = 2');
      if (db.kind === 'postgres') {
        await dataSource.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
        await dataSource.query("UPDATE audit_events SET route = '/forged' WHERE seq = 2");
      } else {
        await dataSource.query('DROP TRIGGER audit_events_no_update');
        await dataSource.query("UPDATE audit_events SET route = '/forged' WHERE seq = 2");
      }
      await dataSource.destroy();
      const verify = spawnSync(process.execPath, [join(root, 'cli', 'main.js'), 'audit-verify'], {
        env: env(db),
        encoding: 'utf8',
      });
      assert.equal(verify.status, 1);
      assert.equal(JSON.parse(verify.stdout.trim().split('\n').at(-1)!).firstInvalidId, second.id);
    } finally {
      await db.drop();
    }
  });
});
