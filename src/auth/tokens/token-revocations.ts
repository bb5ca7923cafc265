import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { STATE_STORE, type StateStore } from '../../shared-state/state-store.js';
import { revocationLifetimeSeconds } from './token-time-window.js';

/**
 * Revoked sessions, checked on every authenticated request in O(1) through the shared-state
 * port. An entry only needs to outlive the last moment any access token of the session can still
 * verify (JWT_ACCESS_TTL plus the clock tolerances, token-time-window.ts), after which the token
 * is refused as expired anyway, so the list never grows without bound.
 */
@Injectable()
export class TokenRevocations {
  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async revokeSession(
    sessionId: string,
    ttlSeconds = revocationLifetimeSeconds(this.config.jwt.accessTtlSeconds),
  ): Promise<void> {
    if (ttlSeconds > 0) await this.store.set(`revoked-session:${sessionId}`, '1', ttlSeconds);
  }

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    return (await this.store.get(`revoked-session:${sessionId}`)) !== undefined;
  }
}
