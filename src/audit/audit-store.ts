import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type pg from 'pg';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { CompiledInsert } from '../database/compiled-insert.js';
import { CompiledSelect } from '../database/compiled-select.js';
import { postgresPool, runStatement, withPooledClient } from '../database/postgres-pool.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AuditEvent } from './audit-event.entity.js';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'seq' | 'previousHash' | 'hash'>;

/** Arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain head. */
const CHAIN_LOCK_ID = 7_140_343;

/**
 * Appends events to the hash chain. One transaction per batch: take the chain-head lock (on
 * PostgreSQL an advisory transaction lock, so several instances keep one valid chain; SQLite
 * serialises writers itself, see src/database/request-transaction.ts), read the head, hash each
 * event onto it, insert, commit (on PostgreSQL in three round trips: appendOnPool). A
 * state-changing request appends its one event inside its own transaction instead
 * (`appendWithin`), with the same lock, taken last.
 * Insert and select only: there is no update or delete path (append-only).
 */
@Injectable()
export class AuditStore {
  private head: CompiledSelect<AuditEvent, never> | undefined;
  private insertRows: CompiledInsert<AuditEvent> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A batch in a transaction of its own (the group commit). */
  async append(events: readonly NewAuditEvent[]): Promise<{ seq: number; hash: string }> {
    const pool = postgresPool(this.dataSource);
    if (pool) return this.appendOnPool(pool, events);
    return this.dataSource.transaction((manager) => this.appendWithin(manager, ...events));
  }

  /** Appends inside the caller's transaction; the chain head stays locked until it commits. */
  async appendWithin(manager: EntityManager, ...events: readonly NewAuditEvent[]): Promise<{ seq: number; hash: string }> {
    if (this.dataSource.options.type === 'postgres') await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_ID]);
    // Read inside the transaction (and, on PostgreSQL, under the chain lock).
    const { rows, tail } = this.link(await this.chainHead().one({}, manager), events);
    // Multi-row INSERTs in chunks (compiled-insert.ts), inside this transaction.
    await this.inserter().insert(manager, rows);
    return tail;
  }

  /**
   * The group commit on PostgreSQL, in three round trips instead of five, on a connection taken
   * from the pool itself (src/database/postgres-pool.ts). BEGIN (READ COMMITTED named, whatever the
   * role's default), the chain lock and the head read travel as one simple-protocol message (no
   * parameters: the lock id is a constant and the head query takes none), and the server still
   * runs them one after another. Under READ COMMITTED every statement takes its own snapshot, so
   * the head read, which starts only once the lock is granted, sees every append committed before
   * it, as when the three were sent one by one (test/multi proves the chain stays whole with two
   * instances appending at once). Then the INSERT, then COMMIT; any failure rolls back, and a
   * connection that cannot even roll back is discarded rather than returned to the pool.
   */
  private appendOnPool(pool: pg.Pool, events: readonly NewAuditEvent[]): Promise<{ seq: number; hash: string }> {
    return withPooledClient(pool, async (client, discard) => {
      try {
        const opening = `BEGIN ISOLATION LEVEL READ COMMITTED; SELECT pg_advisory_xact_lock(${CHAIN_LOCK_ID}); ${this.chainHead().text}`;
        const results = (await client.query(opening).catch((error: unknown) => {
          throw new QueryFailedError(opening, [], error as Error);
        })) as unknown as pg.QueryResult<Record<string, unknown>>[];
        // Three results or nothing: a head read that went missing must not pass for an empty chain.
        if (!Array.isArray(results) || results.length !== 3) throw new Error('unexpected reply to the audit batch opening');
        const headRow = results[2]!.rows[0];
        const { rows, tail } = this.link(headRow ? this.chainHead().hydrate(headRow) : null, events);
        await this.inserter().insertWith((statement, values) => runStatement(client, statement, values), rows);
        await runStatement(client, 'COMMIT', []);
        return tail;
      } catch (error) {
        await client.query('ROLLBACK').catch((rollbackError: unknown) => {
          discard(rollbackError instanceof Error ? rollbackError : new Error('rollback failed'));
        });
        throw error;
      }
    });
  }

  /** Hashes each event onto the chain after `head`: the rows to insert, and the new head. */
  private link(
    head: Pick<AuditEvent, 'seq' | 'hash'> | null,
    events: readonly NewAuditEvent[],
  ): { rows: AuditEvent[]; tail: { seq: number; hash: string } } {
    let seq = head?.seq ?? 0;
    let previousHash = head?.hash ?? GENESIS_HASH;
    const rows = events.map((event) => {
      seq += 1;
      const content = { ...event, id: randomUUID(), seq };
      const hash = chainHash(previousHash, content);
      const row: AuditEvent = { ...content, previousHash, hash };
      previousHash = hash;
      return row;
    });
    return { rows, tail: { seq, hash: previousHash } };
  }

  private chainHead(): CompiledSelect<AuditEvent, never> {
    this.head ??= new CompiledSelect(this.dataSource, AuditEvent, {
      alias: 'event',
      select: ['seq', 'hash'],
      parameters: [],
      build: (query) => query.orderBy('event.seq', 'DESC').limit(1),
    });
    return this.head;
  }

  private inserter(): CompiledInsert<AuditEvent> {
    this.insertRows ??= new CompiledInsert(this.dataSource, AuditEvent);
    return this.insertRows;
  }
}
