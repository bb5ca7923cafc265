import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AppModule } from '../../app.module.js';
import type { AppConfig } from '../../config/app-config.js';
import { FieldCrypto } from '../../crypto/field-crypto.js';
import { findEncryptedColumns } from '../../crypto/reencrypt/find-encrypted-columns.js';
import { reencryptColumn } from '../../crypto/reencrypt/reencrypt-column.js';
import type { SchemaExtensions } from '../../database/data-source-options.js';
import type { CliCommand } from '../cli-command.js';

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
  const app = await NestFactory.createApplicationContext(AppModule.register(config, { schema: options.schema }), {
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

function parseBatchSize(args: readonly string[]): number | undefined {
  const index = args.indexOf('--batch-size');
  if (index < 0) return undefined;
  const value = Number(args[index + 1]);
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw new Error('--batch-size must be an integer from 1 to 10000');
  return value;
}

export const reencryptCommand: CliCommand = {
  name: 'reencrypt',
  summary: 'rewrite every encrypted field under the active key [--batch-size N]',
  needsConfig: true,
  async run(args, config) {
    await runReencrypt(config!, { batchSize: parseBatchSize(args) });
    return 0;
  },
};
