import { timingSafeEqual } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import { CredentialAuthenticators, type CredentialAuthenticator } from '../access/credential-authenticator.js';
import type { ApiKeyPrincipal } from '../access/principal.js';
import { CompiledSelect } from '../database/compiled-select.js';
import type { Role } from '../config/roles.js';
import { User } from '../users/user.entity.js';
import { parseApiKey } from './api-key-format.js';
import { scopesAllowedFor } from '../access/scopes.js';
import { ApiKeyUsageTracker } from './api-key-usage.tracker.js';
import { ApiKey } from './api-key.entity.js';
import { ApiKeysService } from './api-keys.service.js';
import { ipAllowed } from './ip-allowlist.js';
import { presentedCredential } from './presented-api-key.js';
import { ProblemException } from '../http/problem.exception.js';

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

export type ApiKeyCheck =
  { readonly ok: true; readonly principal: ApiKeyPrincipal } | { readonly ok: false; readonly status: 401 | 403 };

/**
 * Authenticates a presented API key: format and checksum first (no I/O for junk), then one
 * indexed lookup by public id (with the owner's state, joined) and a constant-time HMAC
 * comparison (ASVS 11.4.1). Revoked, expired, rotated-out keys and disabled owners are refused; the allowlist is checked last so
 * only a key holder learns that an address is not allowed. The key acts as its owner, with the
 * owner's current role, limited to the scopes that role still allows.
 *
 * Registered with the authentication guard (src/access/credential-authenticator.ts): it claims
 * requests with `X-API-Key` or `Authorization: ApiKey`, its challenge follows the bearer one.
 */
@Injectable()
export class ApiKeyAuthenticator implements CredentialAuthenticator, OnModuleInit {
  readonly scheme = 'api_key';
  private byPublicId: CompiledSelect<ApiKey, 'publicId'> | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly keys: ApiKeysService,
    private readonly usage: ApiKeyUsageTracker,
    private readonly registry: CredentialAuthenticators,
  ) {}

  onModuleInit(): void {
    this.registry.register(this, 10);
  }

  claims(req: Request): boolean {
    return req.headers['x-api-key'] !== undefined || /^ApiKey\s/i.test(req.headers.authorization ?? '');
  }

  challenge(): string {
    return 'ApiKey realm="api"';
  }

  async authenticate(req: Request): Promise<ApiKeyPrincipal | undefined> {
    // Both a key header and an Authorization header, or the header twice: refused, never guessed.
    const credential = presentedCredential(req);
    if (credential.kind !== 'apiKey') return undefined;
    const check = await this.check(credential.key, req.ip);
    if (check.ok) return check.principal;
    if (check.status === 403) throw new ProblemException(403, { detail: 'This API key may not be used from this address.' });
    return undefined;
  }

  async check(presented: string, clientIp: string | undefined): Promise<ApiKeyCheck> {
    const parsed = parseApiKey(presented);
    if (!parsed) return { ok: false, status: 401 };
    // Read fresh on every request, the key with its owner's current state in one query compiled
    // once: revocation, rotation, disabling and demotion all count at the next request.
    this.byPublicId ??= new CompiledSelect(this.dataSource, ApiKey, {
      alias: 'key',
      parameters: ['publicId'],
      build: (query) => query.innerJoin(User, 'owner', 'owner.id = key.userId').where('key.publicId = :publicId'),
      joined: [{ alias: 'owner', entity: User, select: ['role', 'disabled'] }],
    });
    const found = await this.byPublicId.oneJoined({ publicId: parsed.publicId });
    if (!found) return { ok: false, status: 401 };
    const key = found.entity;
    if (key.revokedAt !== null || key.expiresAt.getTime() <= Date.now()) return { ok: false, status: 401 };
    const hash = this.keys.secretHash(parsed.publicId, parsed.secret);
    const current = sameHash(hash, key.secretHash);
    const inGrace =
      key.previousSecretHash !== null &&
      key.previousSecretExpiresAt !== null &&
      key.previousSecretExpiresAt.getTime() > Date.now() &&
      sameHash(hash, key.previousSecretHash);
    if (!current && !inGrace) return { ok: false, status: 401 };
    if (found.joined['owner.disabled'] !== false) return { ok: false, status: 401 };
    const role = found.joined['owner.role'] as Role;
    if (!ipAllowed(clientIp, key.allowedIps)) return { ok: false, status: 403 };
    this.usage.record(key.id, clientIp);
    return {
      ok: true,
      principal: {
        kind: 'apiKey',
        keyId: key.id,
        userId: key.userId,
        role,
        scopes: scopesAllowedFor(role, key.scopes),
      },
    };
  }
}
