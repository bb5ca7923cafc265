import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.query.js';
import { SecurityEventRecord } from './security-event.entity.js';
import { toSecurityEventView, type SecurityEventView } from './security-event-view.js';

/** Reads stored security events, newest first, one bounded page at a time. */
@Injectable()
export class SecurityEventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async list(page: number, limit: number): Promise<Page<SecurityEventView>> {
    const [records, total] = await this.dataSource.getRepository(SecurityEventRecord).findAndCount({
      order: { occurredAt: 'DESC', id: 'DESC' },
      skip: (page - 1) * limit,
      take: limit,
    });
    return { items: records.map(toSecurityEventView), page, limit, total };
  }

  /** The sink of PersistingSecurityEvents: one multi-row insert per batch. */
  async write(records: readonly SecurityEventRecord[]): Promise<void> {
    if (records.length === 0) return;
    // Never silently: the caller counts a failed batch in security_events_dropped_total.
    if (!this.dataSource.isInitialized) throw new Error('the database is closed');
    await this.dataSource.getRepository(SecurityEventRecord).insert([...records]);
  }
}
