import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { Brackets, DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { Session } from './session.entity.js';

/** How often ended sessions lose their address and user agent: the retention is at most this much longer than the session. */
export const SESSION_DATA_PURGE_INTERVAL_MS = 60 * 60 * 1000;

/**
 * Retention of the personal data a session keeps (docs/data-protection.md#session-addresses-and-user-agents):
 * the client address and user agent of its last use are there so the user can recognise the
 * session in their list, and have no purpose once it ended. Every hour each instance erases them
 * from sessions that ended: revoked, past their absolute deadline, or idle past JWT_REFRESH_TTL
 * (no refresh token of theirs can still be valid). The row stays (its revocation time is the
 * source of truth for the revocation list); the audit trail keeps its own record of requests.
 * Idempotent, so several instances doing it is harmless.
 */
@Injectable()
export class SessionDataRetention implements OnApplicationBootstrap, OnModuleDestroy {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly logger: PinoLogger,
  ) {
    this.logger.setContext('SessionDataRetention');
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.purge().catch(() => undefined), SESSION_DATA_PURGE_INTERVAL_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One pass; returns how many sessions lost their data. Tests call it to avoid waiting an hour. */
  async purge(now = new Date()): Promise<number> {
    const at = now.toISOString();
    const idleSince = new Date(now.getTime() - this.config.jwt.refreshTtlSeconds * 1000).toISOString();
    try {
      const result = await this.dataSource
        .createQueryBuilder()
        .update(Session)
        .set({ lastIp: null, lastUserAgent: null })
        .where(new Brackets((ended) => ended.where('last_ip IS NOT NULL').orWhere('last_user_agent IS NOT NULL')))
        .andWhere(
          new Brackets((ended) =>
            ended
              .where('revoked_at IS NOT NULL')
              .orWhere('absolute_expires_at <= :at', { at })
              .orWhere('last_used_at <= :idleSince', { idleSince }),
          ),
        )
        .execute();
      return result.affected ?? 0;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not erase the data of ended sessions; retrying at the next pass');
      throw error;
    }
  }
}
