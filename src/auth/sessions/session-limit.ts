import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { User } from '../../users/user.entity.js';
import { liveSessionsOf } from './live-sessions.js';
import { SecurityChanges } from './security-change.js';

/**
 * The concurrent-session policy (docs/account-lifecycle.md#sessions): unlimited by default;
 * with SESSION_MAX_PER_USER, a login that would exceed it ends the user's oldest live sessions
 * (by login time) in the same transaction that creates the new one, so the count never exceeds
 * the limit, and the ended sessions' access tokens die at once (security-change.ts). The user
 * is not refused: refusing would let whoever holds the most sessions lock the owner out.
 */
@Injectable()
export class SessionLimit {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: SecurityChanges,
  ) {}

  /** Writes a new session of `userId` (through `insert`) and, beyond the limit, ends the oldest. */
  async admit(userId: string, sessionId: string, insert: (manager: EntityManager) => Promise<void>): Promise<void> {
    const max = this.config.sessions.maxPerUser;
    // No limit: one plain transaction, as before the policy existed (login's cost unchanged).
    if (max === undefined) return this.dataSource.transaction(insert);
    // SQLite runs one write transaction at a time (the lane of request-transaction.ts); on
    // PostgreSQL, the user's row lock orders concurrent logins of one user, across instances too.
    await this.changes.commit(async (change) => {
      const { manager } = change;
      if (manager.connection.options.type === 'postgres') {
        await manager
          .createQueryBuilder(User, 'u')
          .select('u.id')
          .where('u.id = :userId', { userId })
          .setLock('pessimistic_write')
          .getOne();
      }
      await insert(manager);
      const live = await liveSessionsOf(manager, userId, this.config)
        .select(['s.id', 's.createdAt'])
        .orderBy('s.createdAt', 'DESC')
        .addOrderBy('s.id', 'DESC')
        .getMany();
      // The new session keeps its place; of the others, the newest max − 1 stay and the rest end.
      const others = live.filter((session) => session.id !== sessionId);
      for (const session of others.slice(max - 1)) await change.revokeSession(session.id);
    });
  }
}
