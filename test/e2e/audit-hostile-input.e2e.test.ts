import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuditStore, type NewAuditEvent } from '../../src/audit/audit-store.js';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { auditRowsFor } from '../support/audit-rows.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** Every log line the app writes, as text. */
function logSink(): { sink: Writable; text: () => string } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { sink, text: () => chunks.join('') };
}

/** No C0/C1 control character and no lone surrogate anywhere in a stored row. */
// Control characters are exactly what this pattern is for.
// oxlint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Hostile bytes never reach the audit INSERT, and one event the database
 * refuses never fails the other requests of its group-commit batch.
 */
describe('audit trail: hostile bytes and a refused event', () => {
  let t: TestApp;
  const logs = logSink();

  before(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' }, { logDestination: logs.sink });
  });
  after(async () => t.close());

  it('records a NUL or control byte in a path parameter, sent without credentials, with no resource id', async () => {
    for (const [n, param] of ['%00', 'abc%00def', '%01%1F%7F', '%0D%0Ainjected', '%C2%85', 'not-a-uuid'].entries()) {
      const correlation = `hostile-param-${n}-${randomUUID()}`;
      const res = await t.http.get(`/api/v1/notes/${param}`).set('X-Request-Id', correlation);
      // Control bytes are refused before routing (src/http/reject-hostile-input.middleware.ts);
      // the audit must hold on its own all the same, since it records refused requests too.
      const expected = param === 'not-a-uuid' ? 401 : 400;
      assert.equal(res.status, expected, `${param}: ${res.status} ${JSON.stringify(res.body)}`);
      const rows = await auditRowsFor(t, correlation);
      assert.equal(rows.length, 1, param);
      assert.equal(rows[0]!.resource_id, null, `${param}: only a UUID is stored as resource id`);
      assert.ok(!UNSAFE.test(rows[0]!.route), `${param}: route stored with an unsafe character`);
    }
  });

  it('stores hostile bytes in unknown paths, query and body escaped, and the chain still verifies', async () => {
    const correlation = `hostile-body-${randomUUID()}`;
    const res = await t.http
      .post('/api/v1/x%00y%01/%E2%80%AE')
      .query('q=%00%1B[31m&%00k=v')
      .set('X-Request-Id', correlation)
      .set('Content-Type', 'application/json')
      .send('{"name":"a\\u0000b\\u001b[2J","\\u0000key":"\\ud800 lone","nested":{"x":"\\udfff\\u0085"}}');
    // Refused as hostile input before routing; the refused request is still recorded, escaped.
    assert.equal(res.status, 400);
    const [row] = await auditRowsFor(t, correlation);
    assert.ok(row, 'the request is recorded');
    for (const [column, value] of Object.entries(row)) {
      if (typeof value === 'string')
        assert.ok(!UNSAFE.test(value), `${column} holds an unsafe character: ${JSON.stringify(value)}`);
    }
    assert.ok(row.payload!.includes('\\u0000'), 'the NUL is kept as visible evidence, escaped');
    assert.equal((await t.app.get(AuditVerifier).verify()).valid, true);
  });

  it('retries a refused batch one event at a time: only the culprit gets 503, its neighbours their answer', async () => {
    const store = t.app.get(AuditStore);
    const original = store.append.bind(store);
    const batches: NewAuditEvent[][] = [];
    // A database that refuses one event, as PostgreSQL refused a NUL: the whole statement fails.
    store.append = async (events) => {
      batches.push([...events]);
      if (events.some((event) => event.route.includes('poisoned'))) {
        throw Object.assign(new Error('invalid byte sequence'), {
          name: 'QueryFailedError',
          query: 'INSERT INTO audit_events VALUES ($1)',
          parameters: ['log-canary-parameter'],
          driverError: { code: '22021' },
        });
      }
      return original(events);
    };
    try {
      // A slow commit holds the writer, so the requests sent meanwhile queue into one next batch.
      let slow = true;
      const slowStore = store.append;
      store.append = async (events) => {
        if (slow && events.some((event) => event.route.includes('slow-commit'))) {
          slow = false;
          await sleep(300);
        }
        return slowStore(events);
      };
      const paths = Array.from({ length: 12 }, (_, i) => (i === 5 ? '/api/v1/poisoned' : `/api/v1/neighbour-${i}`));
      const first = t.http.get('/api/v1/slow-commit').then((res) => res);
      await sleep(50);
      const responses = await Promise.all(paths.map((path) => t.http.get(path)));
      assert.equal((await first).status, 404);
      responses.forEach((res, i) => assert.equal(res.status, i === 5 ? 503 : 404, `${paths[i]} answered ${res.status}`));
      assert.ok(
        batches.some((batch) => batch.length > 1 && batch.some((event) => event.route.includes('poisoned'))),
        'the poisoned event never shared a batch with another event: the test proved nothing',
      );
    } finally {
      store.append = original;
    }
    const text = logs.text();
    assert.ok(text.includes('audit batch refused: retrying its events one by one'));
    assert.ok(text.includes('22021'), 'the reason (an error code) is logged');
    assert.ok(!text.includes('log-canary-parameter'), 'SQL parameters never reach the log');
    assert.ok(!text.includes('INSERT INTO audit_events'), 'SQL text never reaches the log');
    assert.equal((await t.app.get(AuditVerifier).verify()).valid, true);
  });
  it('stops retrying one by one once the database is unavailable: the rest of the batch is refused at once', async () => {
    const store = t.app.get(AuditStore);
    const original = store.append.bind(store);
    let slow = true;
    let aloneAttempts = 0;
    store.append = async (events) => {
      if (slow && events.some((event) => event.route.includes('slow-commit'))) {
        slow = false;
        await sleep(300);
        return original(events);
      }
      if (!events.some((event) => event.route.includes('outage-'))) return original(events);
      // The batch is refused for one event's bytes; by the first retry the database is gone.
      if (events.length > 1)
        throw Object.assign(new Error('invalid byte sequence'), { name: 'QueryFailedError', driverError: { code: '22021' } });
      aloneAttempts += 1;
      throw Object.assign(new Error('Connection terminated unexpectedly'), { name: 'QueryFailedError' });
    };
    try {
      // A slow commit holds the writer, so the requests sent meanwhile queue into one next batch
      // (`then` sends the request now).
      const first = t.http.get('/api/v1/slow-commit').then((res) => res);
      await sleep(50);
      const responses = await Promise.all(Array.from({ length: 8 }, (_, i) => t.http.get(`/api/v1/outage-${i}`)));
      assert.equal((await first).status, 404);
      assert.deepEqual(
        responses.map((res) => res.status),
        responses.map(() => 503),
      );
      assert.equal(aloneAttempts, 1, 'after the first retry found the database gone, the others were still tried one by one');
    } finally {
      store.append = original;
    }
  });
});
