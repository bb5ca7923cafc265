import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { STATE_STORE, type StateStore } from '../../shared-state/state-store.js';
import { StateStoreUnavailableError } from '../../shared-state/state-store-unavailable.error.js';
import { revocationLifetimeSeconds } from './token-time-window.js';

/**
 * Revoked sessions, checked on every authenticated request in O(1) through the shared-state
 * port. The database (sessions.revoked_at) is the source of truth; this is its fast copy, written
 * after the revocation committed (revocation-sync.ts). An entry only needs to outlive the longest
 * access token of the session (JWT_ACCESS_TTL plus the clock tolerances, token-time-window.ts), after which the token no longer verifies anyway, so the list
 * never grows without bound.
 *
 * Two local states keep the copy from ever answering "not revoked" wrongly:
 * - a revocation this instance committed but could not write to the store yet is answered from
 *   memory (revoked) until it is written;
 * - after the store was unreachable (it may have lost entries, or missed another instance's
 *   writes) every check fails closed, fast, until the revocations of the last token lifetime
 *   were re-published from the database.
 */
@Injectable()
export class TokenRevocations {
  private readonly unpublished = new Map<string, number>();
  private stale = false;
  /** Bumped by every markStale: a re-arm that began before the latest outage ended cannot clear it. */
  private staleEpoch = 0;

  constructor(
    @Inject(STATE_STORE) private readonly store: StateStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Seconds an entry for a session revoked at `revokedAt` must still live (0: no token of it can verify any more). */
  remainingSeconds(revokedAt: Date, now = Date.now()): number {
    const until = revokedAt.getTime() + revocationLifetimeSeconds(this.config.jwt.accessTtlSeconds) * 1000;
    return Math.max(0, Math.ceil((until - now) / 1000));
  }

  /** Writes the entry; rejects (StateStoreUnavailableError) when the store cannot take it. */
  async revokeSession(
    sessionId: string,
    ttlSeconds = revocationLifetimeSeconds(this.config.jwt.accessTtlSeconds),
  ): Promise<void> {
    if (ttlSeconds > 0) await this.store.set(`revoked-session:${sessionId}`, '1', ttlSeconds);
    this.unpublished.delete(sessionId);
  }

  /** A committed revocation the store did not take: answered from memory here until it is written. */
  rememberUnpublished(sessionId: string, revokedAt: Date): void {
    const ttl = this.remainingSeconds(revokedAt);
    if (ttl > 0) this.unpublished.set(sessionId, Date.now() + ttl * 1000);
  }

  get unpublishedCount(): number {
    const now = Date.now();
    for (const [id, until] of this.unpublished) if (until <= now) this.unpublished.delete(id);
    return this.unpublished.size;
  }

  /** From a store outage until the re-arm from the database completed: every check fails closed. */
  markStale(): void {
    this.stale = true;
    this.staleEpoch += 1;
  }

  /** The epoch a re-arm starts in; pass it to markSynced when the re-arm completed. */
  get epoch(): number {
    return this.staleEpoch;
  }

  markSynced(epoch: number): void {
    if (epoch === this.staleEpoch) this.stale = false;
  }

  get isStale(): boolean {
    return this.stale;
  }

  async isSessionRevoked(sessionId: string): Promise<boolean> {
    const until = this.unpublished.get(sessionId);
    if (until !== undefined) {
      if (until > Date.now()) return true;
      this.unpublished.delete(sessionId);
    }
    if (this.stale) throw new StateStoreUnavailableError('revocations are being re-armed from the database');
    return (await this.store.get(`revoked-session:${sessionId}`)) !== undefined;
  }
}
