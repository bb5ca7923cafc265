import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { generateSecrets } from '../../src/config/secret-generator.js';

/**
 * A throwaway database per test file: a temp SQLite file by default, or a fresh PostgreSQL
 * database when TEST_DATABASE=postgres (dropped afterwards, so runs never see each other).
 */
export interface TestDatabase {
  readonly kind: 'sqlite' | 'postgres';
  readonly url: string;
  /** The secrets this database's data was written with (restarts reuse them). */
  readonly secrets: Readonly<Record<string, string>>;
  drop(): Promise<void>;
}

export const TEST_DATABASE_KIND = process.env.TEST_DATABASE === 'postgres' ? 'postgres' : 'sqlite';
const ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export async function createTestDatabase(): Promise<TestDatabase> {
  if (TEST_DATABASE_KIND === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'app-e2e-'));
    return {
      kind: 'sqlite',
      url: `sqlite:${join(dir, 'app.sqlite')}`,
      secrets: generateSecrets(),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `app_e2e_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    secrets: generateSecrets(),
    drop: async () => {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    },
  };
}
