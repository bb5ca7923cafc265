import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DataSourceOptions, MigrationInterface } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { ENTITIES, type EntityClass } from './entities.js';
import { MIGRATIONS } from './migrations/index.js';

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
    logging: false,
  };
  const db = config.database;
  if (db.type === 'sqlite') {
    mkdirSync(dirname(db.path), { recursive: true });
    // WAL lets readers proceed while the single writer commits; busy timeout rides out brief locks.
    return { ...common, type: 'better-sqlite3', database: db.path, enableWAL: true, timeout: 5000 };
  }
  return { ...common, type: 'postgres', url: db.url, extra: { max: 10 } };
}
