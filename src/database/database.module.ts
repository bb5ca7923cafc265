import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config.js';
import { buildDataSourceOptions, type SchemaExtensions } from './data-source-options.js';
import { runMigrations } from './run-migrations.js';

/** Opens the database and, unless DB_MIGRATE_ON_START=false, applies migrations before serving. */
@Module({})
export class DatabaseModule {
  static forRoot(config: AppConfig, extensions: SchemaExtensions = {}): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => buildDataSourceOptions(config, extensions),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            if (config.database.migrateOnStart) await runMigrations(dataSource);
            return dataSource;
          },
        }),
      ],
    };
  }
}
