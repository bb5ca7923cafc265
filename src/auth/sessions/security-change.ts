import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { SecurityEventRecord } from '../../security-events/security-event.entity.js';
import { toSecurityEventRecord } from '../../security-events/security-event-record.factory.js';
import { SecurityEvents, type SecurityEventDetails, type SecurityEventType } from '../../security-events/security-events.js';
import { RevocationSync, type CommittedRevocation } from './revocation-sync.js';
import { Session } from './session.entity.js';

/** What a security change may do inside its transaction. */
export interface SecurityChange {
  /** The transaction: every database write of the change goes through it. */
  readonly manager: EntityManager;
  /** Ends every live session of the user (its refresh family and, once published, its access tokens). */
  revokeSessionsOf(userId: string): Promise<number>;
  /** Ends one session, if it is still live. */
  revokeSession(sessionId: string): Promise<boolean>;
  /** The change's security event, stored with it. */
  event(type: SecurityEventType, details: SecurityEventDetails): Promise<void>;
}

/**
 * The one way to make a multi-step security change (promote, demote, disable, logout, password
 * change, refresh-family revocation, admin takeover): everything it writes, its
 * session revocations and its security event commit in ONE database transaction, so it happens
 * entirely or not at all. Only after the commit are the revocations copied to the shared store
 * (Redis) and the event logged; a store failure then is retried and never undoes or half-applies
 * the change (revocation-sync.ts).
 *
 * Convention for callers: decide before writing, and when refusing, return (do not throw) from
 * the work so the transaction ends without writes; throw only after commit. On SQLite, TypeORM
 * runs concurrent transactions on one connection, so a rollback could undo other work.
 */
@Injectable()
export class SecurityChanges {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly events: SecurityEvents,
    private readonly sync: RevocationSync,
  ) {}

  async commit<T>(work: (change: SecurityChange) => Promise<T>): Promise<T> {
    const revoked: CommittedRevocation[] = [];
    const announcements: (() => void)[] = [];
    const result = await this.dataSource.transaction(async (manager) => {
      // Repeated attempts of the callback must not leak entries of a rolled-back try.
      revoked.length = 0;
      announcements.length = 0;
      const change: SecurityChange = {
        manager,
        revokeSessionsOf: async (userId) => {
          const now = new Date();
          const result = await manager.update(Session, { userId, revokedAt: IsNull() }, { revokedAt: now });
          if (!result.affected) return 0;
          // Timestamps are stored as fixed ISO text, so equality finds exactly the rows just revoked.
          const rows = await manager.find(Session, { where: { userId, revokedAt: now }, select: { id: true } });
          for (const row of rows) revoked.push({ id: row.id, revokedAt: now });
          return rows.length;
        },
        revokeSession: async (sessionId) => {
          const now = new Date();
          const result = await manager.update(Session, { id: sessionId, revokedAt: IsNull() }, { revokedAt: now });
          if (result.affected !== 1) return false;
          revoked.push({ id: sessionId, revokedAt: now });
          return true;
        },
        event: async (type, details) => {
          // The row commits with the change; the log line and the metric follow the commit.
          await manager.insert(SecurityEventRecord, toSecurityEventRecord(type, details));
          announcements.push(() =>
            this.events.announceStored ? this.events.announceStored(type, details) : this.events.record(type, details),
          );
        },
      };
      return work(change);
    });
    for (const announce of announcements) announce();
    if (revoked.length > 0) await this.sync.publish(revoked);
    return result;
  }
}
