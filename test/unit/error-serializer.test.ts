import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Logger as NestLogger } from '@nestjs/common';
import pino from 'pino';
import pinoStd from 'pino-std-serializers';
import { Column, DataSource, Entity, PrimaryColumn, QueryFailedError } from 'typeorm';
import { ParameterFreeTypeOrmLogger } from '../../src/database/typeorm-logger.js';
import { BootLogger } from '../../src/logging/boot-logger.js';
import { describeError, serializeError } from '../../src/logging/error-serializer.js';
import { buildPinoOptions } from '../../src/logging/pino-options.js';

@Entity('secrets_probe')
class SecretRow {
  @PrimaryColumn({ type: 'varchar' })
  id: string;

  @Column({ type: 'varchar', unique: true })
  hash: string;
}

const ARGON2 = '$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaA';
const KEY_HASH = 'f3c1e9a0b7d24c58a6e1f0b3c9d8e7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0';

function sink(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

function assertNothingSecret(text: string): void {
  for (const value of [ARGON2, KEY_HASH, '$argon2', 'INSERT', 'secrets_probe', '"parameters"', '"query"', '"driverError"']) {
    assert.ok(!text.includes(value), `logged: ${value}`);
  }
}

/** Every path that writes an error to a log (ASVS 16.2.5), given a real QueryFailedError. */
describe('error serializer', () => {
  let dataSource: DataSource;
  let failure: QueryFailedError;

  before(async () => {
    dataSource = await new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [SecretRow],
      synchronize: true,
    }).initialize();
    await dataSource.getRepository(SecretRow).insert({ id: ARGON2, hash: KEY_HASH });
    try {
      await dataSource.getRepository(SecretRow).insert({ id: `${ARGON2}2`, hash: KEY_HASH });
    } catch (error) {
      failure = error as QueryFailedError;
    }
    assert.ok(failure instanceof QueryFailedError);
    assert.ok(failure.parameters?.includes(KEY_HASH), 'the real error does carry the secrets');
  });
  after(async () => dataSource.destroy());

  it('logs a database error as its class, code and stack frames, never its SQL, parameters or driver error', () => {
    const out = sink();
    pino(buildPinoOptions('info'), out.stream).error({ err: failure, requestId: 'r-1' }, 'unhandled error');
    const line = JSON.parse(out.text()) as { err: Record<string, unknown>; requestId: string };
    assert.equal(line.requestId, 'r-1');
    assert.equal(line.err.type, 'QueryFailedError');
    assert.equal(line.err.code, 'SQLITE_CONSTRAINT_UNIQUE');
    assert.equal(line.err.message, undefined);
    assert.match(String(line.err.stack), /^QueryFailedError: \[message withheld: database error\]\n\s+at /);
    assertNothingSecret(out.text());
  });

  it("withholds the same error as a cause, inside pino's standard copy, or as another error's stack", () => {
    const wrapped = serializeError(new Error('job failed', { cause: failure }));
    assert.equal(wrapped.message, 'job failed');
    assert.equal(wrapped.cause?.code, 'SQLITE_CONSTRAINT_UNIQUE');
    assert.equal(serializeError(pinoStd.err(failure)).type, 'QueryFailedError', "pino-http's wrapped copy is unwrapped");
    const stackOnly = serializeError(Object.assign(new Error('Unable to connect to the database'), { stack: failure.stack }));
    assertNothingSecret(JSON.stringify([wrapped, serializeError(pinoStd.err(failure)), stackOnly]));
    assert.match(String(stackOnly.stack), /^QueryFailedError: \[message withheld/);
    assert.equal(describeError(failure), 'QueryFailedError (code SQLITE_CONSTRAINT_UNIQUE)');
  });

  it('keeps an ordinary error readable but copies none of its other properties', () => {
    const error = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), {
      code: 'ECONNREFUSED',
      command: { name: 'set', args: ['revoked:jti', KEY_HASH] },
    });
    const serialized = serializeError(error);
    assert.equal(serialized.message, 'connect ECONNREFUSED 127.0.0.1:6379');
    assert.equal(serialized.code, 'ECONNREFUSED');
    assert.ok(!JSON.stringify(serialized).includes(KEY_HASH));
    assert.deepEqual(serializeError('a thrown string with a secret'), { type: 'string' });
  });

  it("writes Nest's boot-time errors and TypeORM's own lines through the same serializer", () => {
    const out = sink();
    const boot = new BootLogger('debug', out.stream);
    boot.error(failure, 'ExceptionHandler');
    boot.error('Unable to connect to the database. Retrying (1)...', failure.stack, 'TypeOrmModule');
    NestLogger.overrideLogger(boot);
    try {
      const typeorm = new ParameterFreeTypeOrmLogger();
      typeorm.logQuery('INSERT INTO "secrets_probe" VALUES (?, ?)', [ARGON2, KEY_HASH]);
      typeorm.logQueryError(failure, 'INSERT INTO "secrets_probe" VALUES (?, ?)', [ARGON2, KEY_HASH]);
      typeorm.logQuerySlow(1234, 'INSERT INTO "secrets_probe" VALUES (?, ?)', [ARGON2, KEY_HASH]);
    } finally {
      NestLogger.overrideLogger(false);
    }
    const lines = out
      .text()
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text) as { msg?: string; context?: string; err?: { code?: string } });
    assert.deepEqual(
      lines.map((line) => [line.context, line.msg]),
      [
        ['ExceptionHandler', 'QueryFailedError'],
        ['TypeOrmModule', 'Unable to connect to the database. Retrying (1)...'],
        ['TypeORM', 'database query failed'],
        ['TypeORM', 'slow database query'],
      ],
    );
    assert.equal(lines[0]?.err?.code, 'SQLITE_CONSTRAINT_UNIQUE');
    assertNothingSecret(out.text());
  });
});
