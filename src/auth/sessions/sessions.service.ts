import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { ClientContext } from '../../http/client-context.js';
import { PepperedHash } from '../../crypto/peppered-hash.js';
import { SecurityEvents } from '../../security-events/security-events.js';
import { StateStoreUnavailableError } from '../../shared-state/state-store-unavailable.error.js';
import { TokenRevocations } from '../tokens/token-revocations.js';
import { revocationLifetimeSeconds } from '../tokens/token-time-window.js';
import { RefreshToken } from './refresh-token.entity.js';
import { Session } from './session.entity.js';

export type RotationResult =
  | { readonly ok: true; readonly userId: string; readonly sessionId: string; readonly refreshToken: string }
  | { readonly ok: false };

/**
 * Sessions and their rotating refresh tokens (RFC 9700 §4.14.2): every refresh replaces the
 * token; a replaced token presented again means it was stolen, so the whole family is revoked
 * and a security event raised (OWASP API2:2023). Tokens are 256-bit random, stored as HMACs.
 */
@Injectable()
export class SessionsService implements OnApplicationBootstrap {
  private readonly hasher: PepperedHash;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly revocations: TokenRevocations,
    private readonly events: SecurityEvents,
  ) {
    this.hasher = new PepperedHash(config.apiKeyPepper);
  }

  /**
   * Re-arms revocations of the last access-token lifetime after a restart (in-process store, or a
   * Redis that lost its data). If Redis is unreachable at boot the instance still starts: every
   * revocation check then fails closed with 503 until Redis answers (docs/operations.md).
   */
  async onApplicationBootstrap(): Promise<void> {
    const since = new Date(Date.now() - revocationLifetimeSeconds(this.config.jwt.accessTtlSeconds) * 1000);
    const recent = await this.dataSource
      .getRepository(Session)
      .find({ where: { revokedAt: MoreThan(since) }, select: { id: true } });
    try {
      for (const session of recent) await this.revocations.revokeSession(session.id);
    } catch (error) {
      if (!(error instanceof StateStoreUnavailableError)) throw error;
    }
  }

  async start(userId: string): Promise<{ sessionId: string; refreshToken: string }> {
    const session = { id: randomUUID(), userId, createdAt: new Date(), revokedAt: null };
    const refreshToken = this.newToken();
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Session, session);
      await manager.insert(RefreshToken, this.tokenRow(session.id, refreshToken));
    });
    return { sessionId: session.id, refreshToken };
  }

  async rotate(presented: string, client: ClientContext): Promise<RotationResult> {
    const tokens = this.dataSource.getRepository(RefreshToken);
    const token = await tokens.findOne({ where: { tokenHash: this.hasher.hash(presented) } });
    if (!token) return { ok: false };
    const session = await this.dataSource.getRepository(Session).findOne({ where: { id: token.sessionId } });
    if (!session || session.revokedAt !== null || token.expiresAt.getTime() <= Date.now()) return { ok: false };

    const next = this.newToken();
    const claimed = await this.dataSource.transaction(async (manager) => {
      // Conditional update: of two concurrent uses of one token, exactly one wins.
      const result = await manager.update(RefreshToken, { id: token.id, usedAt: IsNull() }, { usedAt: new Date() });
      if (result.affected !== 1) return false;
      await manager.insert(RefreshToken, this.tokenRow(session.id, next));
      return true;
    });
    if (!claimed) {
      await this.revoke(session.id);
      this.events.record('refresh_token_reuse', { ...client, sessionId: session.id, userId: session.userId });
      return { ok: false };
    }
    return { ok: true, userId: session.userId, sessionId: session.id, refreshToken: next };
  }

  /** The user id a refresh token belongs to, if it is one of theirs and still live. */
  async sessionOfToken(presented: string): Promise<Session | null> {
    const token = await this.dataSource
      .getRepository(RefreshToken)
      .findOne({ where: { tokenHash: this.hasher.hash(presented) } });
    return token ? this.dataSource.getRepository(Session).findOne({ where: { id: token.sessionId } }) : null;
  }

  async revoke(sessionId: string): Promise<void> {
    await this.dataSource.getRepository(Session).update({ id: sessionId, revokedAt: IsNull() }, { revokedAt: new Date() });
    await this.revocations.revokeSession(sessionId);
  }

  /** Change-password and disabling: every session of the user ends now. */
  async revokeAllForUser(userId: string): Promise<void> {
    const live = await this.dataSource
      .getRepository(Session)
      .find({ where: { userId, revokedAt: IsNull() }, select: { id: true } });
    for (const session of live) await this.revoke(session.id);
  }

  private newToken(): string {
    return `rt_${randomBytes(32).toString('base64url')}`;
  }

  private tokenRow(sessionId: string, token: string): RefreshToken {
    const now = new Date();
    return {
      id: randomUUID(),
      sessionId,
      tokenHash: this.hasher.hash(token),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.config.jwt.refreshTtlSeconds * 1000),
      usedAt: null,
    };
  }
}
