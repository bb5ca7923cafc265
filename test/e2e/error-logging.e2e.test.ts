import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from 'nestjs-pino';
import { DataSource, QueryFailedError } from 'typeorm';
import { BlindIndexService } from '../../src/crypto/blind-index.service.js';
import { registerUser, type Account } from '../support/identity.js';
import { auditRowsFor } from '../support/audit-rows.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_DATABASE_KIND } from '../support/test-database.js';
import { DbConflictProbeModule, insertAccountRow, SECRET_SHAPED } from './probe/db-conflict-probe.module.js';

interface LogLine {
  readonly msg?: string;
  readonly requestId?: string;
  readonly context?: string;
  readonly err?: { type?: string; code?: string; message?: string; stack?: string; [field: string]: unknown };
  readonly [field: string]: unknown;
}

/** A pino destination that keeps every line, raw (to grep) and parsed (to inspect). */
function lineSink(): { sink: Writable; raw: string[]; lines: LogLine[] } {
  const raw: string[] = [];
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split('\n')) {
        if (text.trim() === '') continue;
        raw.push(text);
        lines.push(JSON.parse(text) as LogLine);
      }
      done();
    },
  });
  return { sink, raw, lines };
}

async function waitFor(lines: LogLine[], match: (line: LogLine) => boolean): Promise<LogLine | undefined> {
  for (let i = 0; i < 100; i++) {
    const line = lines.find(match);
    if (line) return line;
    await sleep(20);
  }
  return undefined;
}

/** The unique violation's code as each driver reports it: SQLSTATE on PostgreSQL. */
const UNIQUE_VIOLATION = TEST_DATABASE_KIND === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_UNIQUE';
/** A run of token characters as long as a hash, a ciphertext or a key ("/" excluded: file paths in stack frames). */
const SECRET_RUN = /[A-Za-z0-9+=_-]{40,}/;

/**
 * Database errors in the logs (ASVS 16.2.5): a constraint error carrying an argon2
 * hash, an email ciphertext and its blind index is forced through the real request pipeline on
 * the test database, and the captured log is grepped for those values, the SQL and their shapes.
 */
describe('database errors in the logs', () => {
  let t: TestApp;
  let owner: Account;
  let emailHash: string;
  const { sink, raw, lines } = lineSink();

  /** Nothing the failed insert carried, nor its SQL, appears anywhere in the log. */
  function assertNoSecretsLogged(): void {
    const text = raw.join('\n');
    for (const value of [SECRET_SHAPED.passwordHash, SECRET_SHAPED.displayName, emailHash, owner.email]) {
      assert.ok(!text.includes(value), `the log carries a parameter value: ${value.slice(0, 24)}...`);
    }
    for (const fragment of [
      '$argon2',
      'INSERT INTO',
      'VALUES',
      '"parameters"',
      '"query"',
      '"driverError"',
      '"detail"',
      'Key (',
    ]) {
      assert.ok(!text.includes(fragment), `the log carries ${fragment}`);
    }
    // Lines about errors only: the audit chain head, say, is a hash by design.
    const shaped = raw.find((line) => line.includes('"err":') && SECRET_RUN.test(line));
    assert.equal(shaped, undefined, 'a hash-, ciphertext- or key-shaped value was logged');
  }

  before(async () => {
    t = await startTestApp({ LOG_LEVEL: 'debug' }, { extraModules: [DbConflictProbeModule], logDestination: sink });
    owner = await registerUser(t, 'logged');
    emailHash = t.app.get(BlindIndexService).email(owner.email);
  });
  after(async () => t.close());

  it('logs a constraint error in a request as its class, code and request id, never its SQL, parameters or driver error', async () => {
    const res = await t.http.post('/api/v1/probe/db-conflict').send({ email: owner.email });
    assert.equal(res.status, 500);
    // The server's own id for this request (a client's X-Request-Id is only a correlation id).
    const requestId = res.headers['x-request-id'];
    assert.ok(requestId, 'the response names its request id');
    // On PostgreSQL the failed INSERT aborted the request's transaction: its event is still
    // written, on its own, with the status the client got (src/audit/audit-recorder.ts).
    const events = await auditRowsFor(t, requestId);
    assert.deepEqual(
      events.map((event) => event.status),
      [500],
    );
    assert.match(res.headers['content-type'] ?? '', /application\/problem\+json/);
    for (const value of [SECRET_SHAPED.passwordHash, emailHash, 'INSERT', UNIQUE_VIOLATION]) {
      assert.ok(!res.text.includes(value), `the response carries ${value}`);
    }

    const line = await waitFor(lines, (l) => l.msg === 'unhandled error' && l.requestId === requestId);
    assert.ok(line, 'the 500 was not logged with its request id');
    assert.equal(line.err?.type, 'QueryFailedError');
    assert.equal(line.err?.code, UNIQUE_VIOLATION);
    assert.equal(line.err?.message, undefined, "a database error's message may quote a value: withheld");
    assert.deepEqual(
      Object.keys(line.err ?? {}).filter((key) => !['type', 'code', 'constraint', 'stack'].includes(key)),
      [],
      'only the class, code, constraint name and stack frames',
    );
    assertNoSecretsLogged();
  });

  it("writes TypeORM's own query-error line without the SQL or its parameters", async () => {
    const line = await waitFor(lines, (l) => l.context === 'TypeORM' && l.msg === 'database query failed');
    assert.ok(line, 'TypeORM reported no failed query (LOG_LEVEL=debug)');
    assert.equal(line.err?.code, UNIQUE_VIOLATION);
    assertNoSecretsLogged();
  });

  it("serialises the same error through Nest's logger, alone, as a cause or as a (message, stack) pair", async () => {
    let failure: unknown;
    try {
      await insertAccountRow(t.app.get(DataSource), t.app.get(BlindIndexService), owner.email);
    } catch (error) {
      failure = error;
    }
    assert.ok(failure instanceof QueryFailedError, 'the duplicate row was not refused');
    const nest = t.app.get(Logger);
    nest.error(failure, 'ErrorLoggingTest');
    nest.error(new Error('could not finish the job', { cause: failure }), 'ErrorLoggingTest');
    // @nestjs/typeorm's retry line: Nest's message with the original error's stack as a string.
    nest.error('Unable to connect to the database. Retrying (1)...', failure.stack, 'TypeOrmModule');
    const logged = await waitFor(lines, (l) => l.context === 'TypeOrmModule');
    assert.ok(logged, 'the (message, stack) line was not written');
    assert.equal(lines.filter((l) => l.context === 'ErrorLoggingTest').length, 2);
    const wrapped = lines.find((l) => l.context === 'ErrorLoggingTest' && l.err?.type === 'Error');
    assert.equal((wrapped?.err?.cause as { code?: string } | undefined)?.code, UNIQUE_VIOLATION);
    assertNoSecretsLogged();
  });
});
