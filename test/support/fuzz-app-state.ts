import { DataSource } from 'typeorm';
import { AuditVerifier, type ChainVerification } from '../../src/audit/audit-verifier.js';
import { MailQueue } from '../../src/mail/mail-queue.js';
import type { TestApp } from './test-app.js';

/**
 * What a refused request must leave untouched: every business table, read straight from the
 * database. Left out: the audit and security-event trails (a refusal is supposed to add to
 * them) and an API key's usage counters (every authenticated call moves them).
 */
const TABLES = ['users', 'sessions', 'refresh_tokens', 'notes', 'note_shares', 'api_keys', 'one_time_tokens'];
const MOVING_COLUMNS = new Set(['last_used_at', 'last_used_ip', 'use_count']);

export async function stateFingerprint(t: TestApp): Promise<string> {
  // Mail jobs of an earlier 2xx (a registration's verification link) write after their response:
  // let them finish, so their rows are not counted against the next request.
  await t.app.get(MailQueue).idle();
  const dataSource = t.app.get(DataSource);
  if (t.db.kind === 'postgres') {
    // One round trip instead of one per table: this runs twice per generated request.
    const rows = TABLES.map(
      (table) =>
        `SELECT '${table}' || (to_jsonb(t) - ${[...MOVING_COLUMNS].map((c) => `'${c}'`).join(' - ')})::text AS line FROM ${table} t`,
    );
    const [row] = (await dataSource.query(
      `SELECT md5(coalesce(string_agg(line, E'\\n' ORDER BY line), '')) AS digest FROM (${rows.join(' UNION ALL ')}) lines`,
    )) as { digest: string }[];
    return row!.digest;
  }
  const tables: string[] = [];
  for (const table of TABLES) {
    const rows = (await dataSource.query(`SELECT * FROM ${table}`)) as Record<string, unknown>[];
    const lines = rows.map((row) =>
      JSON.stringify(
        Object.keys(row)
          .filter((column) => !MOVING_COLUMNS.has(column))
          .sort()
          .map((column) => [column, row[column] instanceof Date ? (row[column] as Date).toISOString() : row[column]]),
      ),
    );
    tables.push(`${table}:${lines.sort().join('\n')}`);
  }
  return tables.join('\n\n');
}

export async function auditEventCount(t: TestApp): Promise<number> {
  const [row] = (await t.app.get(DataSource).query('SELECT COUNT(*) AS n FROM audit_events')) as { n: number | string }[];
  return Number(row!.n);
}

export function verifyAuditChain(t: TestApp): Promise<ChainVerification> {
  return t.app.get(AuditVerifier).verify();
}

/** The route the newest audit event names: a route template when the request matched a route. */
export async function latestAuditRoute(t: TestApp): Promise<string | undefined> {
  const [row] = (await t.app.get(DataSource).query('SELECT route FROM audit_events ORDER BY seq DESC LIMIT 1')) as {
    route: string;
  }[];
  return row?.route;
}
