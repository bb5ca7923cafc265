import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { CompiledInsert } from '../database/compiled-insert.js';
import { CompiledSelect } from '../database/compiled-select.js';
import { chainHash, GENESIS_HASH } from './audit-chain.js';
import { AuditEvent } from './audit-event.entity.js';

export type NewAuditEvent = Omit<AuditEvent, 'id' | 'seq' | 'previousHash' | 'hash'>;

/** Arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain head. */
const CHAIN_LOCK_ID = 7_140_343;

/**
 * Appends events to the hash chain. One transaction per batch: take the chain-head lock (on
 * PostgreSQL an advisory transaction lock, so several instances keep one valid chain; SQLite
 * serialises writers itself, see src/database/request-transaction.ts), read the head, hash each
 * event onto it, insert, commit. A state-changing request appends its one event inside its own
 * transaction instead (`appendWithin`), with the same lock, taken last.
 * Insert and select only: there is no update or delete path (append-only).
 */
@Injectable()
export class AuditStore {
  private chainHead: CompiledSelect<AuditEvent, never> | undefined;
  private inserter: CompiledInsert<AuditEvent> | undefined;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** A batch in a transaction of its own (the group commit). */
  async append(events: readonly NewAuditEvent[]): Promise<{ seq: number; hash: string }> {
    return this.dataSource.transaction((manager) => this.appendWithin(manager, ...events));
  }

  /** Appends inside the caller's transaction; the chain head stays locked until it commits. */
  async appendWithin(manager: EntityManager, ...events: readonly NewAuditEvent[]): Promise<{ seq: number; hash: string }> {
    if (this.dataSource.options.type === 'postgres') await manager.query('SELECT pg_advisory_xact_lock($1)', [CHAIN_LOCK_ID]);
    this.chainHead ??= new CompiledSelect(this.dataSource, AuditEvent, {
      alias: 'event',
      select: ['seq', 'hash'],
      parameters: [],
      build: (query) => query.orderBy('event.seq', 'DESC').limit(1),
    });
    // Read inside the transaction (and, on PostgreSQL, under the chain lock).
    const head = await this.chainHead.one({}, manager);
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
    // Multi-row INSERTs in chunks (compiled-insert.ts), inside this transaction.
    this.inserter ??= new CompiledInsert(this.dataSource, AuditEvent);
    await this.inserter.insert(manager, rows);
    return { seq, hash: previousHash };
  }
}
