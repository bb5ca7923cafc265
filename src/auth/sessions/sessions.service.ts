import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { ClientContext } from '../../http/client-context.js';
import { PepperedHash } from '../../crypto/peppered-hash.js';
import { User } from '../../users/user.entity.js';
import { RefreshToken } from './refresh-token.entity.js';
import { SecurityChanges } from './security-change.js';
import { Session } from './session.entity.js';

export type RotationResult =
  | {
      readonly ok: true;
      readonly userId: string;
      readonly sessionId: string;
      readonly refreshToken: string;
      /** The session's token version: the access token issued with this refresh carries it. */
      readonly tokenVersion: number;
      /** The DPoP key the session is bound to (null: Bearer): the new access token is bound to it too. */
      readonly dpopJkt: string | null;
    }
  | { readonly ok: false };

/**
 * Sessions and their rotating refresh tokens (RFC 9700 §4.14.2): every refresh replaces the
 * token; a replaced token presented again means it was stolen, so the whole family is revoked
 * and a security event raised (OWASP API2:2023). Tokens are 256-bit random, stored as HMACs.
 */
@Injectable()
export class SessionsService {
  private readonly hasher: PepperedHash;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly changes: SecurityChanges,
  ) {
    this.hasher = new PepperedHash(config.apiKeyPepper);
  }

  /**
   * A new session bound to `tokenVersion`: the user's version read *before* the password was
   * verified. If a password change (or role change, disabling, admin takeover) committed in
   * between, the session is born stale and its first refresh is refused.
   */
  async start(
    userId: string,
    tokenVersion: number,
    /** The DPoP key thumbprint the session is bound to (login with a DPoP proof), else null. */
    dpopJkt: string | null = null,
  ): Promise<{ sessionId: string; refreshToken: string }> {
    const session: Session = { id: randomUUID(), userId, createdAt: new Date(), tokenVersion, dpopJkt, revokedAt: null };
    const refreshToken = this.newToken();
    await this.dataSource.transaction(async (manager) => {
      await manager.insert(Session, session);
      await manager.insert(RefreshToken, this.tokenRow(session.id, refreshToken));
    });
    return { sessionId: session.id, refreshToken };
  }

  /**
   * One transaction decides a refresh: claim the token (conditional update: of two concurrent
   * uses exactly one wins), then either issue the next token, or revoke the session, because the
   * token was used before (reuse: a stolen token; the `refresh_token_reuse` event commits with
   * the revocation) or the user moved past the session's token version, or is gone or disabled.
   * The revocation reaches the shared store after the commit and is retried if it cannot, so a
   * Redis failure never leaves the family half-revoked nor the event unrecorded.
   */
  async rotate(presented: string, client: ClientContext, dpopJkt: string | null = null): Promise<RotationResult> {
    const tokens = this.dataSource.getRepository(RefreshToken);
    const token = await tokens.findOne({ where: { tokenHash: this.hasher.hash(presented) } });
    if (!token) return { ok: false };
    const session = await this.dataSource.getRepository(Session).findOne({ where: { id: token.sessionId } });
    if (!session || session.revokedAt !== null || token.expiresAt.getTime() <= Date.now()) return { ok: false };
    // DPoP (RFC 9449 §5): a bound session refreshes only with a proof of its key, and a session's
    // binding is decided at login (an unbound one is not bound later). Refused before the token is
    // claimed: whoever holds the token without the key cannot spend it, nor end the session.
    if ((session.dpopJkt ?? null) !== dpopJkt) return { ok: false };

    const next = this.newToken();
    return this.changes.commit(async (change): Promise<RotationResult> => {
      const claimed = await change.manager.update(RefreshToken, { id: token.id, usedAt: IsNull() }, { usedAt: new Date() });
      if (claimed.affected !== 1) {
        if (await change.revokeSession(session.id)) {
          await change.event('refresh_token_reuse', { ...client, sessionId: session.id, userId: session.userId });
        }
        return { ok: false };
      }
      const user = await change.manager.findOne(User, {
        where: { id: session.userId },
        select: { id: true, disabled: true, tokenVersion: true },
      });
      if (!user || user.disabled || user.tokenVersion !== session.tokenVersion) {
        await change.revokeSession(session.id);
        return { ok: false };
      }
      await change.manager.insert(RefreshToken, this.tokenRow(session.id, next));
      return {
        ok: true,
        userId: session.userId,
        sessionId: session.id,
        refreshToken: next,
        tokenVersion: session.tokenVersion,
        dpopJkt,
      };
    });
  }

  /** Logout: these sessions end, in one transaction; the shared store learns it after the commit. */
  async end(sessionIds: readonly string[]): Promise<void> {
    await this.changes.commit(async (change) => {
      for (const id of sessionIds) await change.revokeSession(id);
    });
  }

  /**
   * A password change as one transaction: the new hash and token version (every
   * access token dies, and no older session can refresh), every session revoked, and the
   * `password_changed` event. Conditional on `expectedVersion`, the version read when the current
   * password was verified: if a role change, a disabling or another password change committed
   * meanwhile, nothing is written and false is returned.
   */
  replacePassword(userId: string, expectedVersion: number, passwordHash: string): Promise<boolean> {
    return this.changes.commit(async (change) => {
      const result = await change.manager.update(
        User,
        { id: userId, tokenVersion: expectedVersion },
        { passwordHash, tokenVersion: expectedVersion + 1, updatedAt: new Date() },
      );
      if (result.affected !== 1) return false;
      await change.revokeSessionsOf(userId);
      await change.event('password_changed', { userId });
      return true;
    });
  }

  /** The user id a refresh token belongs to, if it is one of theirs and still live. */
  async sessionOfToken(presented: string): Promise<Session | null> {
    const token = await this.dataSource
      .getRepository(RefreshToken)
      .findOne({ where: { tokenHash: this.hasher.hash(presented) } });
    return token ? this.dataSource.getRepository(Session).findOne({ where: { id: token.sessionId } }) : null;
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
