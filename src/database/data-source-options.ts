import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES, type EntityClass } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';
import { onPostgresConnect } from './postgres-connection-setup.js';
import { prepareSqliteFile } from './sqlite-file-mode.js';
import { ParameterFreeTypeOrmLogger } from './typeorm-logger.js';

export interface SchemaExtensions {
  // Tests may add an entity with its own migration (e.g. the encrypted-column probe).
  readonly entities?: readonly EntityClass[];
  readonly migrations?: readonly (new () => MigrationInterface)[];
}

/** TypeORM options for either database. Schema comes only from migrations: never `synchronize`. */
export function buildDataSourceOptions(config: AppConfig, extensions: SchemaExtensions = {}): DataSourceOptions {
  const common = {
    entities: [...ENTITIES, ...(extensions.entities ?? [])],
    migrations: [...MIGRATIONS, ...(extensions.migrations ?? [])],
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each' as const,
    // Our logger, not TypeORM's console ones: it never writes SQL text or parameters. A custom
    // logger is called whatever `logging` says; it decides itself what to write.
    logger: new ParameterFreeTypeOrmLogger(),
    logging: false,
  };
  const db = config.database;
  if (db.type === 'sqlite') {
    mkdirSync(dirname(db.path), { recursive: true, mode: 0o700 });
    // Owner-only before SQLite opens it: SQLite gives the -wal and -shm files the same mode.
    prepareSqliteFile(db.path);
    // WAL lets readers proceed while the single writer commits; busy timeout rides out brief locks.
    return { ...common, type: 'better-sqlite3', database: db.path, enableWAL: true, timeout: 5000 };
  }
  // A locked table, a stuck statement or an exhausted pool must not hold a request forever
  // (docs/operations.md, "Database down or slow"): the server cancels a statement after the
  // timeout, a lock wait ends then too, and waiting for a pooled connection is bounded alike.
  // The request then gets a 503 with Retry-After (database-unavailable.ts). Migrations lift the
  // bound on their own session (run-migrations.ts).
  const timeout = db.statementTimeoutMs;
  return {
    ...common,
    type: 'postgres',
    url: db.url,
    extra: {
      max: db.poolSize,
      statement_timeout: timeout,
      lock_timeout: timeout,
      connectionTimeoutMillis: timeout,
      // Every connection has an error listener from birth (postgres-connection-setup.ts).
      onConnect: onPostgresConnect,
      // Ours, not node-postgres's (it ignores the key): read by prepared-statement.ts.
      preparedStatements: db.preparedStatements,
    },
  };
}
