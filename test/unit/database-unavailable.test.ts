import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryFailedError, QueryRunnerAlreadyReleasedError } from 'typeorm';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { isDatabaseUnavailable } from '../../src/database/database-unavailable.js';
import { mapToProblem } from '../../src/http/problem-mapper.js';

const POSTGRES = 'postgres://app@127.0.0.1:5432/app';

/** What node-postgres rejects with: an Error carrying the SQLSTATE as `code`. */
function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** TypeORM wraps a driver error together with the statement and its parameters. */
function wrapped(error: Error): QueryFailedError {
  return new QueryFailedError('SELECT "secret" FROM "users" WHERE "email" = $1', ['victim@example.com'], error);
}

describe('database down or slow: a 503 with Retry-After, nothing else turned into one', () => {
  for (const [label, error] of [
    ['a terminated backend (57P01)', wrapped(pgError('57P01', 'terminating connection due to administrator command'))],
    ['statement_timeout (57014)', wrapped(pgError('57014', 'canceling statement due to statement timeout'))],
    ['lock_timeout (55P03)', wrapped(pgError('55P03', 'canceling statement due to lock timeout'))],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
    ['connection refused', pgError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.5:5432')],
    ['a lost connection', wrapped(new Error('Connection terminated unexpectedly'))],
    ['the pool wait bound', new Error('timeout exceeded when trying to connect')],
    ['a query runner TypeORM released when its connection failed', new QueryRunnerAlreadyReleasedError()],
    ['SQLite busy after its timeout', pgError('SQLITE_BUSY', 'database is locked')],
  ] as const) {
    it(`maps ${label} to 503 with Retry-After, without the driver's words`, () => {
      assert.equal(isDatabaseUnavailable(error), true);
      const problem = mapToProblem(error);
      assert.equal(problem.body.status, 503);
      assert.match(problem.headers['Retry-After'] ?? '', /^\d+$/);
      assert.equal(problem.unexpected, true, 'the cause is logged server-side');
      assert.doesNotMatch(JSON.stringify(problem.body), /secret|victim|users|5432|10\.0\.0\.5|terminat|timeout|locked/);
    });
  }

  for (const [label, error] of [
    ['a unique violation (23505)', wrapped(pgError('23505', 'duplicate key value violates unique constraint'))],
    ['a syntax error (42601)', wrapped(pgError('42601', 'syntax error at or near "FROM"'))],
    ['a programming error', new TypeError('Cannot read properties of undefined')],
    ['a string', 'Connection terminated'],
  ] as const) {
    it(`leaves ${label} a generic 500: a bug is not an outage`, () => {
      assert.equal(isDatabaseUnavailable(error), false);
      assert.equal(mapToProblem(error).body.status, 500);
    });
  }
});

/** DATABASE_STATEMENT_TIMEOUT_MS (docs/configuration.md): a documented default, a typo refused by name. */
describe('DATABASE_STATEMENT_TIMEOUT_MS', () => {
  const statementTimeoutOf = (env: Record<string, string>) => {
    const database = loadConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES, ...env }).database;
    assert.equal(database.type, 'postgres');
    return database.statementTimeoutMs;
  };

  it('defaults to 5 seconds and reads the setting', () => {
    assert.equal(statementTimeoutOf({}), 5000);
    assert.equal(statementTimeoutOf({ DATABASE_STATEMENT_TIMEOUT_MS: '250' }), 250);
  });

  for (const value of ['0', '99', '600001', 'five', '1e3', '-1']) {
    it(`refuses DATABASE_STATEMENT_TIMEOUT_MS=${value}, naming the variable`, () => {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES, DATABASE_STATEMENT_TIMEOUT_MS: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'DATABASE_STATEMENT_TIMEOUT_MS',
      );
    });
  }
});

/** DATABASE_POOL_SIZE (docs/configuration.md): the pool PostgreSQL connections come from, bounded both ways. */
describe('DATABASE_POOL_SIZE', () => {
  const poolOf = (env: Record<string, string>) => {
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES, ...env });
    const options = buildDataSourceOptions(config) as { extra?: { max?: number } };
    return options.extra?.max;
  };

  it('defaults to 10 connections and hands the setting to the pool', () => {
    assert.equal(poolOf({}), 10);
    assert.equal(poolOf({ DATABASE_POOL_SIZE: '24' }), 24);
  });

  for (const value of ['0', '101', 'ten', '-1']) {
    it(`refuses DATABASE_POOL_SIZE=${value}, naming the variable`, () => {
      assert.throws(
        () => loadConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES, DATABASE_POOL_SIZE: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'DATABASE_POOL_SIZE',
      );
    });
  }
});

/** DATABASE_PREPARED_STATEMENTS (docs/configuration.md): on by default, off for a pooler that drops them. */
describe('DATABASE_PREPARED_STATEMENTS', () => {
  const preparedOf = (env: Record<string, string>) => {
    const options = buildDataSourceOptions(loadConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES, ...env })) as {
      extra?: { preparedStatements?: boolean };
    };
    return options.extra?.preparedStatements;
  };

  it('defaults to on and can be turned off', () => {
    assert.equal(preparedOf({}), true);
    assert.equal(preparedOf({ DATABASE_PREPARED_STATEMENTS: 'false' }), false);
  });

  it('refuses a value that is not a boolean, naming the variable', () => {
    assert.throws(
      () => loadConfig({ NODE_ENV: 'test', DATABASE_URL: POSTGRES, DATABASE_PREPARED_STATEMENTS: 'sometimes' }),
      (error: unknown) => error instanceof ConfigError && error.variable === 'DATABASE_PREPARED_STATEMENTS',
    );
  });
});
