import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Role } from '../access/roles.js';
import { CONTROL_CHARACTERS, LONE_SURROGATE } from '../http/unsafe-characters.js';
import { BlindIndexService } from '../crypto/blind-index.service.js';
import { CompiledSelect } from '../database/compiled-select.js';
import { NO_LOCAL_PASSWORD } from '../users/local-password.js';
import { User } from '../users/user.entity.js';
import { ExternalIdentity, type ExternalIdentityKind } from './external-identity.entity.js';

/** `.invalid` (RFC 2606) can never receive mail: provider accounts have no usable local email. */
const PLACEHOLDER_DOMAIN = 'external.invalid';
const UNSAFE_TEXT = new RegExp(`[${CONTROL_CHARACTERS}]|${LONE_SURROGATE.source}`);

export interface ExternalAccountClaims {
  readonly issuer: string;
  readonly subject: string;
  readonly kind: ExternalIdentityKind;
  /** `name` or `preferred_username`, if the token carries one: only a label. */
  readonly displayName: unknown;
  readonly role: Role;
}

/**
 * Just-in-time accounts for the provider's users and clients: the first accepted token of an
 * (issuer, subject) creates a local user, so ownership, sharing, policies, audit and admin
 * disabling work as for local accounts. The provider's email is not stored (not a key, possibly
 * unverified, personal data we do not need): the local email is a placeholder that can receive no
 * mail, and the password can never match, so no local login or reset reaches the account.
 */
@Injectable()
export class ExternalAccountsService {
  private byKey: CompiledSelect<ExternalIdentity, 'issuer' | 'subject'> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly blindIndex: BlindIndexService,
  ) {}

  /** The local user id for this provider account, creating the account on its first token. */
  async userIdFor(claims: ExternalAccountClaims): Promise<string> {
    const existing = await this.find(claims.issuer, claims.subject);
    if (existing !== null) return existing.userId;
    try {
      return await this.create(claims);
    } catch (error) {
      // Two first requests at once: the unique (issuer, subject) index let one insert win.
      const winner = await this.find(claims.issuer, claims.subject);
      if (winner !== null) return winner.userId;
      throw error;
    }
  }

  /** Whether a local user is a provider account (its password and email are not ours to change). */
  async isExternal(userId: string): Promise<boolean> {
    return (await this.dataSource.getRepository(ExternalIdentity).count({ where: { userId } })) > 0;
  }

  private find(issuer: string, subject: string): Promise<ExternalIdentity | null> {
    this.byKey ??= new CompiledSelect(this.dataSource, ExternalIdentity, {
      alias: 'identity',
      parameters: ['issuer', 'subject'],
      build: (query) => query.where('identity.issuer = :issuer AND identity.subject = :subject'),
    });
    return this.byKey.one({ issuer, subject });
  }

  private async create(claims: ExternalAccountClaims): Promise<string> {
    const now = new Date();
    const userId = randomUUID();
    const email = `${userId}@${PLACEHOLDER_DOMAIN}`;
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(User).insert({
        id: userId,
        email,
        emailHash: this.blindIndex.email(email),
        displayName: displayNameOf(claims),
        role: claims.role,
        disabled: false,
        passwordHash: NO_LOCAL_PASSWORD,
        tokenVersion: 0,
        createdAt: now,
        updatedAt: now,
      });
      await manager.getRepository(ExternalIdentity).insert({
        id: randomUUID(),
        issuer: claims.issuer,
        subject: claims.subject,
        userId,
        kind: claims.kind,
        createdAt: now,
      });
    });
    return userId;
  }
}

function displayNameOf(claims: ExternalAccountClaims): string {
  const name = typeof claims.displayName === 'string' ? claims.displayName.trim().slice(0, 100) : '';
  if (name !== '' && !UNSAFE_TEXT.test(name)) return name;
  return claims.kind === 'client' ? 'Provider client' : 'Provider account';
}
