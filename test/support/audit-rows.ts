import { DataSource } from 'typeorm';
import type { TestApp } from './test-app.js';

export interface AuditRow {
  id: string;
  seq: number;
  request_id: string;
  correlation_id: string | null;
  actor_type: string;
  actor_id: string | null;
  method: string;
  route: string;
  status: number;
  action: string | null;
  resource_id: string | null;
  payload: string | null;
}

/**
 * Audit rows of one request, read straight from the table (not through the API under test): by
 * its request id (the response's X-Request-Id) or by the correlation id the client sent.
 */
export async function auditRowsFor(t: TestApp, requestId: string): Promise<AuditRow[]> {
  const [a, b] = t.db.kind === 'postgres' ? ['$1', '$2'] : ['?', '?'];
  return t.app
    .get(DataSource)
    .query(`SELECT * FROM audit_events WHERE request_id = ${a} OR correlation_id = ${b}`, [requestId, requestId]);
}

/** Runs a raw statement with the append-only triggers out of the way: an attacker with DBA rights. */
export async function tamper(t: TestApp, sql: string): Promise<void> {
  const dataSource = t.app.get(DataSource);
  if (t.db.kind === 'postgres') {
    await dataSource.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    await dataSource.query(sql);
    await dataSource.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
  } else {
    await dataSource.query('DROP TRIGGER audit_events_no_update');
    await dataSource.query('DROP TRIGGER audit_events_no_delete');
    await dataSource.query(sql);
  }
}
