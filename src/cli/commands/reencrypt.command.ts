import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { FieldCrypto } from '../../crypto/field-crypto.js';
import { findEncryptedColumns } from '../../crypto/reencrypt/find-encrypted-columns.js';
import { reencryptColumn } from '../../crypto/reencrypt/reencrypt-column.js';
import type { SchemaExtensions } from '../../database/data-source-options.js';
import type { CliCommand } from '../cli-command.js';
import { parseFlags } from '../parse-flags.js';

export const DEFAULT_REENCRYPT_BATCH_SIZE = 500;

export interface ReencryptRunOptions {
  /** Test-only entities and migrations (the e2e probe); production uses the app's own. */
  readonly schema?: SchemaExtensions;
  readonly batchSize?: number;
  readonly write?: (line: string) => void;
}

/**
 * Step 2 of a key rotation (docs/data-protection.md): rewrites every encrypted field under the
 * active key so the retired key can be removed (ASVS 11.2.2 / 13.3.4). Boots the real module
 * graph without HTTP, so it uses the same config, keyring, cipher and entity metadata.
 * Prints `<table>.<column>: N rewritten` per encrypted column.
 */
export async function runReencrypt(config: AppConfig, options: ReencryptRunOptions = {}): Promise<Map<string, number>> {
  const batchSize = options.batchSize ?? DEFAULT_REENCRYPT_BATCH_SIZE;
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  // Application log lines go to stderr: stdout carries the per-column report.
  const logDestination = pino.destination({ dest: 2, sync: true });
  const app = await NestFactory.createApplicationContext(AppModule.register(config, { schema: options.schema, logDestination }), {
    logger: false,
    abortOnError: false,
  });
  try {
    const dataSource = app.get(DataSource);
    const crypto = app.get(FieldCrypto);
    const report = new Map<string, number>();
    for (const location of findEncryptedColumns(dataSource)) {
      const count = await reencryptColumn(dataSource, crypto, location, batchSize);
      report.set(`${location.table}.${location.column}`, count);
      write(`${location.table}.${location.column}: ${count} rewritten\n`);
    }
    write(`re-encryption complete: every encrypted field is under key "${crypto.activeKeyId}"\n`);
    return report;
  } finally {
    await app.close();
  }
}

/** The batch size, or why the command line is refused (unknown flags included). */
function parseBatchSize(args: readonly string[]): number | undefined | string {
  const flags = parseFlags(args, { optional: ['batch-size'] });
  if (!flags.ok) return flags.error;
  const raw = flags.values['batch-size'];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > 10_000) return '--batch-size must be an integer from 1 to 10000';
  return value;
}

export const reencryptCommand: CliCommand = {
  name: 'reencrypt',
  summary: 'rewrite every encrypted field under the active key [--batch-size N]',
  usage: '[--batch-size <1-10000>]',
  needsConfig: true,
  checkArgs(args) {
    const batchSize = parseBatchSize(args);
    return typeof batchSize === 'string' ? batchSize : undefined;
  },
  async run(args, config) {
    const batchSize = parseBatchSize(args);
    await runReencrypt(config!, { batchSize: typeof batchSize === 'number' ? batchSize : undefined });
    return 0;
  },
};
