import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Page } from '../common/pagination.query.js';
import { toAuditEventView, type AuditEventView } from './audit-event-view.js';
import { AuditEvent } from './audit-event.entity.js';
import type { AuditEventsQuery } from './dto/audit-events.query.js';

/** Read side of the trail: filtered, paginated, newest first. */
@Injectable()
export class AuditEventsService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async find(query: AuditEventsQuery): Promise<Page<AuditEventView>> {
    const builder = this.dataSource.getRepository(AuditEvent).createQueryBuilder('event');
    // A request id, or the correlation id a client chose: both find the client's own requests.
    if (query.requestId !== undefined) {
      builder.andWhere('(event.requestId = :requestId OR event.correlationId = :requestId)', { requestId: query.requestId });
    }
    if (query.actorId !== undefined) builder.andWhere('event.actorId = :actorId', { actorId: query.actorId });
    // Times are fixed-width ISO-8601 UTC text, so text comparison is time comparison.
    if (query.from !== undefined) builder.andWhere('event.timestamp >= :from', { from: new Date(query.from).toISOString() });
    if (query.to !== undefined) builder.andWhere('event.timestamp <= :to', { to: new Date(query.to).toISOString() });
    const [events, total] = await builder
      .orderBy('event.seq', 'DESC')
      .skip((query.page - 1) * query.limit)
      .take(query.limit)
      .getManyAndCount();
    return { items: events.map(toAuditEventView), page: query.page, limit: query.limit, total };
  }
}
