import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/config/load-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { freePort } from '../support/app-instances.js';
import { strongPassword } from '../support/identity.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { waitFor } from '../support/tls-client.js';

/**
 * Shutdown under keep-alive load, black-box: the compiled server in its own process gets SIGTERM
 * while clients keep sending (docs/operations.md "Shutdown sequence"). The drain comes first, so
 * every dependency outlives the last request: no 5xx, every answered request audited, every
 * API-key use counted, and the process is gone within SHUTDOWN_GRACE_MS.
 */
const main = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../src'), 'main.js');
const GRACE_MS = 5000;

function env(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: db.url,
    ...db.secrets,
    // The shared store the original failure needed (Redis released while requests were served).
    ...(process.env.TEST_REDIS_URL === undefined ? {} : { REDIS_URL: process.env.TEST_REDIS_URL }),
    ...extra,
  };
}

interface Answer {
  readonly status: number;
  readonly requestId: string | undefined;
}

function send(port: number, agent: Agent, path: string, headers: Record<string, string>, body?: unknown): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent,
        method: payload === undefined ? 'GET' : 'POST',
        headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const requestId = res.headers['x-request-id'];
          const answer = { status: res.statusCode ?? 0, requestId: typeof requestId === 'string' ? requestId : undefined };
          Object.defineProperty(answer, 'body', { value: Buffer.concat(chunks).toString(), enumerable: false });
          resolve(answer);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** A raw HTTP/1.1 request whose body is sent in two parts; resolves with everything the server sent. */
function rawRequest(port: number, head: string): { socket: Socket; response: Promise<string> } {
  const socket = connect(port, '127.0.0.1');
  socket.write(head);
  let received = '';
  socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
  const response = new Promise<string>((done) => {
    socket.on('close', () => done(received));
    socket.on('error', () => undefined);
  });
  return { socket, response };
}

function bodyOf(answer: Answer): Record<string, unknown> {
  return JSON.parse((answer as Answer & { body: string }).body) as Record<string, unknown>;
}

async function startServer(db: TestDatabase): Promise<{ child: ChildProcess; port: number; output: () => string }> {
  const port = await freePort();
  const limits = { THROTTLE_DEFAULT_LIMIT: '1000000', THROTTLE_AUTH_LIMIT: '1000000', IDS_ENABLED: 'false' };
  const child = spawn(process.execPath, [main], {
    env: env(db, { PORT: String(port), SHUTDOWN_GRACE_MS: String(GRACE_MS), ...limits }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}:\n${log}`);
      try {
        return (await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200;
      } catch {
        return false;
      }
    },
    30_000,
    'the server to be ready',
  );
  return { child, port, output: () => log };
}

describe('graceful shutdown', () => {
  it('drains on SIGTERM under keep-alive load: no 5xx, every answered request audited, API-key uses counted, exit within SHUTDOWN_GRACE_MS', async () => {
    const db = await createTestDatabase();
    try {
      const { child, port, output } = await startServer(db);
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
        child.once('exit', (code, signal) => done({ code, signal, at: Date.now() })),
      );
      const setup = new Agent({ keepAlive: false });
      const email = `drain-${Date.now()}@example.com`;
      const password = strongPassword();
      assert.equal((await send(port, setup, '/api/v1/auth/register', {}, { email, password, displayName: 'drain' })).status, 201);
      const login = await send(port, setup, '/api/v1/auth/login', {}, { email, password });
      const accessToken = bodyOf(login).accessToken as string;
      const auth = { authorization: `Bearer ${accessToken}` };
      const created = await send(port, setup, '/api/v1/api-keys', auth, {
        name: 'drain',
        scopes: ['notes:read', 'notes:write'],
      });
      assert.equal(created.status, 201);
      const { id: keyId, key } = bodyOf(created) as { id: string; key: string };

      const answered: Answer[] = [];
      let sentWithKey = 0;
      let answeredWithKey = 0;
      let signalled = false;
      let answeredAfterSignal = 0;
      const worker = async (w: number) => {
        // One kept-alive connection per worker, as a load balancer or an HTTP client pool holds.
        const agent = new Agent({ keepAlive: true, maxSockets: 1 });
        try {
          for (let i = 0; ; i++) {
            const withKey = (w + i) % 2 === 0;
            if (withKey) sentWithKey++;
            let answer: Answer;
            try {
              answer = await send(port, agent, '/api/v1/notes', withKey ? { 'x-api-key': key } : auth);
            } catch {
              return; // refused: the listener is closed, a client now goes to another instance
            }
            answered.push(answer);
            if (withKey && answer.status === 200) answeredWithKey++;
            if (signalled) answeredAfterSignal++;
          }
        } finally {
          agent.destroy();
        }
      };
      const workers = Array.from({ length: 6 }, (_, w) => worker(w));
      await new Promise((r) => setTimeout(r, 1500));
      // In flight at SIGTERM: an API-key write whose body is still arriving (answered during the
      // drain, its use counted after it) and a client that never finishes (cut at the deadline).
      const note = JSON.stringify({ title: 'written during the drain', body: 'x'.repeat(200) });
      const slow = rawRequest(
        port,
        `POST /api/v1/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${key}\r\nX-Request-Id: slow-write\r\n` +
          `Content-Type: application/json\r\nContent-Length: ${note.length}\r\n\r\n${note.slice(0, 20)}`,
      );
      const stuck = rawRequest(
        port,
        'POST /api/v1/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{',
      );
      await new Promise((r) => setTimeout(r, 200));
      const signalAt = Date.now();
      signalled = true;
      child.kill('SIGTERM');
      await new Promise((r) => setTimeout(r, 1000));
      slow.socket.write(note.slice(20));
      await Promise.all(workers);
      const slowResponse = await slow.response;
      await stuck.response;
      const stuckClosedAt = Date.now();
      const exit = await exited;

      const statuses = answered.map((answer) => answer.status);
      assert.ok(answered.length > 30, `only ${answered.length} answers`);
      assert.deepEqual(
        statuses.filter((status) => status >= 500),
        [],
        `5xx during the drain (${answeredAfterSignal} answered after SIGTERM):\n${output()}`,
      );
      assert.ok(
        statuses.every((status) => status === 200),
        `unexpected statuses ${[...new Set(statuses)].join(',')}`,
      );
      assert.match(slowResponse, /^HTTP\/1\.1 201 /, slowResponse);
      assert.match(slowResponse, /\r\nconnection: close\r\n/i, 'a response during the drain closes its connection');
      answered.push({ status: 201, requestId: /\r\nx-request-id: ([^\r]+)\r\n/i.exec(slowResponse)?.[1] });
      answeredWithKey++;
      // The client that never finished held the drain until the grace period, not longer.
      const held = stuckClosedAt - signalAt;
      assert.ok(held >= GRACE_MS - 250 && held < GRACE_MS + 2000, `stuck connection closed after ${held} ms`);
      // Then the flushes (usage, audit, database) take a moment; far less than Kubernetes' 30 s.
      assert.ok(exit.at - signalAt < GRACE_MS + 3000, `exit ${exit.at - signalAt} ms after SIGTERM (grace ${GRACE_MS} ms)`);
      assert.equal(exit.signal, 'SIGTERM', `exit ${exit.code}/${exit.signal}:\n${output()}`);
      assert.match(output(), /shutdown: grace period over after \d+ ms; remaining connections closed/);

      const dataSource = await new DataSource(buildDataSourceOptions(loadConfig(env(db)))).initialize();
      try {
        const rows: { request_id: string }[] = await dataSource.query('SELECT request_id FROM audit_events');
        const recorded = new Set(rows.map((row) => row.request_id));
        const missing = answered.filter((answer) => answer.requestId === undefined || !recorded.has(answer.requestId));
        assert.equal(missing.length, 0, `${missing.length} of ${answered.length} answered requests have no audit event`);
        const [usage] = (await dataSource.query(
          db.kind === 'postgres' ? 'SELECT use_count FROM api_keys WHERE id = $1' : 'SELECT use_count FROM api_keys WHERE id = ?',
          [keyId],
        )) as { use_count: number }[];
        // Every answered use is counted; a use whose answer the client lost may be counted too.
        const useCount = Number(usage!.use_count);
        assert.ok(useCount >= answeredWithKey, `use_count ${useCount} < ${answeredWithKey} answered API-key requests`);
        assert.ok(useCount <= sentWithKey, `use_count ${useCount} > ${sentWithKey} sent`);
      } finally {
        await dataSource.destroy();
      }
    } finally {
      await db.drop();
    }
  });
});
