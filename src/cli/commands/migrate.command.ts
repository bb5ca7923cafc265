import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../database/data-source-options.js';
import { runMigrations } from '../../database/run-migrations.js';
import type { CliCommand } from '../cli-command.js';
import { parseFlags } from '../parse-flags.js';

/** Applies pending migrations and lists them; safe to run while instances serve (advisory lock). */
export const migrateCommand: CliCommand = {
  name: 'migrate',
  summary: 'apply pending database migrations',
  needsConfig: true,
  checkArgs(args) {
    const flags = parseFlags(args, {});
    return flags.ok ? undefined : flags.error;
  },
  async run(_args, config) {
    const dataSource = await new DataSource(buildDataSourceOptions(config!)).initialize();
    try {
      const applied = await runMigrations(dataSource);
      for (const migration of applied) process.stdout.write(`applied ${migration.name}\n`);
      process.stdout.write(`${applied.length} migration(s) applied\n`);
      return 0;
    } finally {
      await dataSource.destroy();
    }
  },
};
