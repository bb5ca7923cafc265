import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { registerUser } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ProbeModule } from './probe/probe.module.js';

interface LogLine {
  readonly level: number;
  readonly msg: string;
  readonly requestId?: string;
  readonly req?: { method: string; path: string; remoteAddress?: string };
  readonly res?: { statusCode: number };
  readonly responseTime?: number;
  readonly [field: string]: unknown;
}

/** A pino destination that keeps every line, parsed. */
function lineSink(): { sink: Writable; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) if (text.trim() !== '') lines.push(JSON.parse(text) as LogLine);
      done();
    },
  });
  return { sink, lines };
}

/** The request line is written on 'finish', just after the client has its answer. */
async function lineFor(lines: LogLine[], requestId: string, msg: string): Promise<LogLine | undefined> {
  for (let i = 0; i < 50; i++) {
    const line = lines.find((l) => l.requestId === requestId && l.msg === msg);
    if (line) return line;
    await sleep(20);
  }
  return undefined;
}

/**
 * Structured request logs (ASVS 16.2.1, 16.2.2): one line per request with its id, method, path,
 * status and duration; security events caused by a request carry the same id.
 */
describe('request logging', () => {
  describe('at LOG_LEVEL=info', () => {
    let t: TestApp;
    const { sink, lines } = lineSink();

    before(async () => {
      t = await startTestApp(
        { LOG_LEVEL: 'info', LOGIN_MAX_FAILURES: '2' },
        { extraModules: [ProbeModule], logDestination: sink },
      );
    });
    after(async () => t.close());

    it('writes one line per request with its id, method, path without the query, status and duration', async () => {
      const id = 'log-test-0000001';
      const res = await t.http.get('/api/v1/probe/page?limit=77').set('X-Request-Id', id);
      assert.equal(res.status, 200);
      const line = await lineFor(lines, res.headers['x-request-id']!, 'request completed');
      assert.ok(line, 'no request line');
      assert.equal(line.correlationId, id, "the client's X-Request-Id is kept as the correlation id");
      assert.deepEqual(line.req, { method: 'GET', path: '/api/v1/probe/page', remoteAddress: line.req?.remoteAddress });
      assert.equal(line.res?.statusCode, 200);
      assert.equal(typeof line.responseTime, 'number');
      assert.equal(lines.filter((l) => l.requestId === res.headers['x-request-id'] && l.msg === 'request completed').length, 1);
      assert.ok(!JSON.stringify(lines).includes('limit=77'), 'the query string is never logged');
    });

    it('gives a security event caused by a request that request id', async () => {
      const { email } = await registerUser(t, 'lockme');
      await t.http.post('/api/v1/auth/login').send({ email, password: 'not the password at all' });
      const id = 'log-test-0000002';
      const res = await t.http
        .post('/api/v1/auth/login')
        .set('X-Request-Id', id)
        .send({ email, password: 'not the password at all' });
      const line = await lineFor(lines, res.headers['x-request-id']!, 'security event: account_locked');
      assert.ok(line, 'the account_locked line does not carry the request id of the login that locked the account');
      assert.equal(line.securityEvent, true);
    });

    it('logs refused requests too, with their status', async () => {
      const id = 'log-test-0000003';
      const res = await t.http.get('/api/v1/notes').set('X-Request-Id', id);
      assert.equal(res.status, 401);
      const line = await lineFor(lines, res.headers['x-request-id']!, 'request completed');
      assert.equal(line?.res?.statusCode, 401);
    });

    it('writes no line for liveness probes', async () => {
      const id = 'log-test-0000004';
      const probe = await t.http.get('/health/live').set('X-Request-Id', id);
      assert.equal(probe.status, 200);
      const next = await t.http.get('/api/v1/probe/page').set('X-Request-Id', 'log-test-0000005');
      assert.ok(await lineFor(lines, next.headers['x-request-id']!, 'request completed'));
      assert.equal(lines.filter((l) => l.requestId === probe.headers['x-request-id']).length, 0);
    });
  });

  describe('at LOG_LEVEL=warn', () => {
    let t: TestApp;
    const { sink, lines } = lineSink();

    before(async () => {
      t = await startTestApp({ LOG_LEVEL: 'warn' }, { extraModules: [ProbeModule], logDestination: sink });
    });
    after(async () => t.close());

    it('writes no request lines', async () => {
      await t.http.get('/api/v1/probe/page').set('X-Request-Id', 'log-test-0000006');
      await sleep(200);
      assert.equal(lines.filter((l) => l.msg === 'request completed').length, 0);
    });
  });
});
