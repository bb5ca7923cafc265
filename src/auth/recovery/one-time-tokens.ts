import { randomBytes, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { PepperedHash } from '../../crypto/peppered-hash.js';
import { OneTimeToken, type OneTimeTokenPurpose } from './one-time-token.entity.js';

/** How long a mailed link works. Reset: 15 minutes (ASVS 6.4.1 short-lived); verification: 24 hours. */
export const TOKEN_LIFETIME_SECONDS: Readonly<Record<OneTimeTokenPurpose, number>> = {
  password_reset: 15 * 60,
  email_verification: 24 * 60 * 60,
};

/**
 * Issues and redeems the one-time tokens mailed as links: 256 random bits (ASVS 6.4.1 asks for
 * at least 128), base64url, stored only as an HMAC under API_KEY_PEPPER; expiring; single-use;
 * and only the newest per user and purpose works (issuing deletes the older ones).
 */
@Injectable()
export class OneTimeTokens {
  private readonly hasher: PepperedHash;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hasher = new PepperedHash(config.apiKeyPepper);
  }

  /** A new token for the user and purpose, replacing any older one, in one transaction. Returns the token. */
  async issue(userId: string, purpose: OneTimeTokenPurpose): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    const now = new Date();
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(OneTimeToken, { userId, purpose });
      await manager.insert(OneTimeToken, {
        id: randomUUID(),
        userId,
        purpose,
        tokenHash: this.hasher.hash(token),
        createdAt: now,
        expiresAt: new Date(now.getTime() + TOKEN_LIFETIME_SECONDS[purpose] * 1000),
        usedAt: null,
      });
    });
    return token;
  }

  /** The live token row a presented token names, or null: unknown, other purpose, used or expired alike. */
  async find(presented: string, purpose: OneTimeTokenPurpose): Promise<OneTimeToken | null> {
    const row = await this.dataSource
      .getRepository(OneTimeToken)
      .findOne({ where: { tokenHash: this.hasher.hash(presented), purpose } });
    if (!row || row.usedAt !== null || row.expiresAt.getTime() <= Date.now()) return null;
    return row;
  }

  /** Marks the token used, inside the caller's transaction; false when another use won the race. */
  async claim(manager: EntityManager, row: OneTimeToken): Promise<boolean> {
    const result = await manager.update(OneTimeToken, { id: row.id, usedAt: IsNull() }, { usedAt: new Date() });
    return result.affected === 1;
  }

  /** Ends every other token of the user for that purpose (a completed reset voids any other reset link). */
  async revokeAll(manager: EntityManager, userId: string, purpose: OneTimeTokenPurpose): Promise<void> {
    await manager.delete(OneTimeToken, { userId, purpose, usedAt: IsNull() });
  }
}
