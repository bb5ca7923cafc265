import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import type { AppConfig } from '../../config/app-config.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

/**
 * A user's live sessions: not revoked, before their absolute deadline (stored, and by the current
 * SESSION_ABSOLUTE_TTL, session-lifetime.ts), and still holding an unused, unexpired refresh
 * token (else the session died idle: nothing can refresh it). One definition for the list a user
 * sees and the sessions SESSION_MAX_PER_USER counts. Timestamps are ISO text, so they compare as
 * strings (timestamp.column.ts).
 */
export function liveSessionsOf(
  manager: EntityManager,
  userId: string,
  config: AppConfig,
  now = new Date(),
): SelectQueryBuilder<Session> {
  const at = now.toISOString();
  const bornAfter = new Date(now.getTime() - config.sessions.absoluteTtlSeconds * 1000).toISOString();
  return manager
    .createQueryBuilder(Session, 's')
    .where('s.userId = :userId', { userId })
    .andWhere('s.revokedAt IS NULL')
    .andWhere('s.absoluteExpiresAt > :at', { at })
    .andWhere('s.createdAt > :bornAfter', { bornAfter })
    .andWhere(
      (query) =>
        `EXISTS ${query
          .subQuery()
          .select('1')
          .from(RefreshToken, 't')
          .where('t.sessionId = s.id')
          .andWhere('t.usedAt IS NULL')
          .andWhere('t.expiresAt > :at')
          .getQuery()}`,
    );
}
