import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThan, type EntityManager } from 'typeorm';
import type { UserPrincipal } from '../access/principal.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { PepperedHash } from '../crypto/peppered-hash.js';
import { ProblemException } from '../http/problem.exception.js';
import { generateApiKey } from './api-key-format.js';
import { scopesAllowedFor } from '../access/scopes.js';
import { toApiKeyView, type ApiKeyView, type ApiKeyWithSecretView } from './api-key-view.js';
import { ApiKey } from './api-key.entity.js';
import type { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { normaliseCidr } from './ip-allowlist.js';
import { KeyedMutex } from './keyed-mutex.js';

const DAY_MS = 86_400_000;
const notFound = () => new ProblemException(404, { detail: 'No such API key.' });

export type ApiKeyWithSecret = ApiKeyWithSecretView;

/** Key lifecycle (docs/http-contract.md#api-keys). Every query is scoped to the owner: another user's key is a 404. */
@Injectable()
export class ApiKeysService {
  private readonly hasher: PepperedHash;
  private readonly maxPerUser: number;
  private readonly ownerLock = new KeyedMutex();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.hasher = new PepperedHash(config.apiKeyPepper);
    this.maxPerUser = config.apiKeysMaxPerUser;
  }

  /** HMAC of a key's secret, bound to its public id so a hash cannot be replayed on another row. */
  secretHash(publicId: string, secret: string): string {
    return this.hasher.hash(`${publicId}.${secret}`);
  }

  /**
   * At most API_KEYS_MAX_PER_USER live keys per user (each key is also a metrics
   * series and a credential to watch). Race-safe: the count and the insert run under a per-owner
   * lock, in this process (SQLite, and several requests of one instance) and, on PostgreSQL, on the
   * owner's row (several instances), so parallel creates never exceed the cap.
   */
  async create(owner: UserPrincipal, input: CreateApiKeyDto): Promise<ApiKeyWithSecret> {
    const allowed = scopesAllowedFor(owner.role, input.scopes);
    if (allowed.length !== input.scopes.length) {
      throw new ProblemException(403, { detail: 'Your role cannot grant one of the requested scopes.' });
    }
    const generated = generateApiKey();
    const now = new Date();
    const row: ApiKey = {
      id: randomUUID(),
      userId: owner.userId,
      name: input.name,
      publicId: generated.publicId,
      secretHash: this.secretHash(generated.publicId, generated.secret),
      previousSecretHash: null,
      previousSecretExpiresAt: null,
      scopes: [...input.scopes],
      allowedIps: (input.allowedIps ?? []).map(normaliseCidr),
      expiresAt: new Date(now.getTime() + (input.expiresInDays ?? 90) * DAY_MS),
      createdAt: now,
      lastUsedAt: null,
      lastUsedIp: null,
      useCount: 0,
      revokedAt: null,
    };
    const created = await this.ownerLock.run(owner.userId, () =>
      this.dataSource.transaction(async (manager) => {
        if (manager.connection.options.type === 'postgres') {
          await manager.query('SELECT id FROM users WHERE id = $1 FOR UPDATE', [owner.userId]);
        }
        const live = await manager.count(ApiKey, {
          where: { userId: owner.userId, revokedAt: IsNull(), expiresAt: MoreThan(now) },
        });
        if (live >= this.maxPerUser) return false;
        await manager.insert(ApiKey, row);
        return true;
      }),
    );
    if (!created) {
      throw new ProblemException(409, {
        detail: `You already have ${this.maxPerUser} active API keys, the most allowed; revoke one first.`,
      });
    }
    return { ...toApiKeyView(row), key: generated.key };
  }

  async list(owner: UserPrincipal): Promise<{ items: ApiKeyView[] }> {
    const keys = await this.dataSource
      .getRepository(ApiKey)
      .find({ where: { userId: owner.userId }, order: { createdAt: 'DESC', id: 'ASC' } });
    return { items: keys.map(toApiKeyView) };
  }

  async get(owner: UserPrincipal, id: string): Promise<ApiKeyView> {
    return toApiKeyView(await this.owned(owner, id));
  }

  /** New secret; the old one keeps working only for the grace period (default 0). */
  async rotate(owner: UserPrincipal, id: string, gracePeriodSeconds = 0): Promise<ApiKeyWithSecret> {
    const key = await this.owned(owner, id);
    if (key.revokedAt !== null || key.expiresAt.getTime() <= Date.now()) {
      throw new ProblemException(409, { detail: 'A revoked or expired key cannot be rotated; create a new one.' });
    }
    const generated = generateApiKey(key.publicId);
    const replaced = key.secretHash;
    const changes = {
      previousSecretHash: gracePeriodSeconds > 0 ? replaced : null,
      previousSecretExpiresAt: gracePeriodSeconds > 0 ? new Date(Date.now() + gracePeriodSeconds * 1000) : null,
      secretHash: this.secretHash(key.publicId, generated.secret),
    };
    // Conditional on the secret this rotation replaces: of two concurrent rotations exactly one
    // wins, and the other is told so (409) instead of being handed a key that never works.
    const result = await this.dataSource
      .getRepository(ApiKey)
      .update({ id: key.id, userId: owner.userId, secretHash: replaced, revokedAt: IsNull() }, changes);
    if (result.affected !== 1) {
      throw new ProblemException(409, { detail: 'The key was rotated or revoked meanwhile; read it again before rotating.' });
    }
    return { ...toApiKeyView(Object.assign(key, changes)), key: generated.key };
  }

  async revoke(owner: UserPrincipal, id: string): Promise<void> {
    await this.owned(owner, id);
    await this.dataSource.getRepository(ApiKey).update({ id, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  /** Disabling a user revokes every key they own (docs/http-contract.md#users), in the disabling's transaction when given one. */
  async revokeAllOf(userId: string, manager: EntityManager = this.dataSource.manager): Promise<void> {
    await manager.update(ApiKey, { userId, revokedAt: IsNull() }, { revokedAt: new Date() });
  }

  private async owned(owner: UserPrincipal, id: string): Promise<ApiKey> {
    const key = await this.dataSource.getRepository(ApiKey).findOne({ where: { id, userId: owner.userId } });
    if (!key) throw notFound();
    return key;
  }
}
