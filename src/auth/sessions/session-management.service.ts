import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import type { Page } from '../../common/pagination.query.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ProblemException } from '../../http/problem.exception.js';
import { User } from '../../users/user.entity.js';
import type { UserPrincipal } from '../../access/principal.js';
import { liveSessionsOf } from './live-sessions.js';
import { SecurityChanges } from './security-change.js';
import { sessionDeadline } from './session-lifetime.js';
import { Session } from './session.entity.js';
import { toSessionView, type SessionView } from './session.view.js';

/**
 * Sessions a user can see and end, and an admin's "log this user out everywhere"
 * (docs/account-lifecycle.md#sessions). Ending goes through SecurityChanges like logout: the
 * revocation commits with the request, and the shared store (Redis) learns it before the
 * response, so the session's access tokens are refused on every instance at once and its
 * refresh token is refused by the database (OWASP API2:2023; ASVS 7.4.1, 7.5.2).
 */
@Injectable()
export class SessionManagement {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: SecurityChanges,
  ) {}

  /** The caller's live sessions, most recently used first; the one of this request is `current`. */
  async list(principal: UserPrincipal, page: number, limit: number): Promise<Page<SessionView>> {
    const [sessions, total] = await liveSessionsOf(this.dataSource.manager, principal.userId, this.config)
      .orderBy('s.lastUsedAt', 'DESC')
      .addOrderBy('s.id', 'ASC')
      .skip((page - 1) * limit)
      .take(limit)
      .getManyAndCount();
    return {
      items: sessions.map((session) => toSessionView(session, sessionDeadline(session, this.config), principal.sessionId)),
      page,
      limit,
      total,
    };
  }

  /**
   * Ends one of the caller's own sessions (the current one too: that is a logout). Anything else,
   * another user's session, an unknown id or one already ended, is the same 404 and changes
   * nothing: the condition on the owner is part of the update itself (OWASP API1:2023).
   */
  async endOwn(principal: UserPrincipal, sessionId: string): Promise<void> {
    const ended = await this.changes.commit(async (change) => {
      const own = await change.manager.findOne(Session, {
        where: { id: sessionId, userId: principal.userId, revokedAt: IsNull() },
        select: { id: true },
      });
      return own !== null && (await change.revokeSession(own.id));
    });
    if (!ended) throw new ProblemException(404, { detail: 'No active session of yours has this id.' });
  }

  /** An admin ends every session of a user (a lost device, a suspected compromise); a security event. */
  async endAllOf(actor: UserPrincipal, userId: string): Promise<void> {
    const found = await this.changes.commit(async (change) => {
      const user = await change.manager.findOne(User, { where: { id: userId }, select: { id: true } });
      if (!user) return false;
      const sessions = await change.revokeSessionsOf(userId);
      await change.event('sessions_revoked_by_admin', { actorId: actor.userId, userId, sessions });
      return true;
    });
    if (!found) throw new ProblemException(404, { detail: 'No such user.' });
  }
}
