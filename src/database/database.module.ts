import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, type SchemaExtensions } from './data-source-options.js';
import { IsolationLevelError, requireReadCommittedDefault } from './postgres-connection-setup.js';
import { installRequestTransactions } from './request-transaction.js';
import { runMigrations } from './run-migrations.js';
import { WalCheckpointer } from './wal-checkpointer.js';

export class PendingMigrationsError extends Error {
  constructor() {
    super('Pending database migrations: run `npm run cli -- migrate` (DB_MIGRATE_ON_START=false)');
  }
}

/** Opens the database and, unless DB_MIGRATE_ON_START=false, applies migrations before serving. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, extensions: SchemaExtensions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({
            ...buildDataSourceOptions(config, extensions),
            // A database that is still starting gets a few retries; a schema problem gets none.
            retryAttempts: 5,
            retryDelay: 2000,
            toRetry: (error: unknown) => !(error instanceof PendingMigrationsError || error instanceof IsolationLevelError),
          }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            // The audit chain needs READ COMMITTED; a database set otherwise is refused now.
            await requireReadCommittedDefault(dataSource).catch(async (error: unknown) => {
              await dataSource.destroy();
              throw error;
            });
            if (config.database.migrateOnStart) await runMigrations(dataSource);
            else if (await dataSource.showMigrations()) {
              // Serving on an outdated schema fails later in confusing ways: refuse now, say what to do.
              await dataSource.destroy();
              throw new PendingMigrationsError();
            }
            // State-changing requests commit with their audit event (request-transaction.ts).
            installRequestTransactions(dataSource);
            return dataSource;
          },
        }),
      ],
      providers: [
        {
          // SQLite only: WAL checkpoints in a worker thread, off the event loop (wal-checkpointer.ts).
          provide: WalCheckpointer,
          inject: [DataSource],
          useFactory: (dataSource: DataSource) =>
            new WalCheckpointer(dataSource, config.database.type === 'sqlite' ? config.database.path : undefined),
        },
      ],
    };
  }
}
