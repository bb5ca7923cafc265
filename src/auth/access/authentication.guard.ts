import { ForbiddenException, Injectable, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request } from 'express';
import { ApiKeyAuthenticator } from '../../api-keys/api-key.authenticator.js';
import { rememberAuditDeclaration } from '../../audit/audit-recorder.js';
import { auditDeclarationOf } from '../../audit/audited.decorator.js';
import { ProblemException } from '../../http/problem.exception.js';
import { StateStoreUnavailableError } from '../../shared-state/state-store-unavailable.error.js';
import { DatabaseUnavailableError, isDatabaseUnavailable } from '../../database/database-unavailable.js';
import { ExternalTokenAuthenticator } from '../../oidc/external-token.authenticator.js';
import { JwtStrategy } from '../tokens/jwt.strategy.js';
import { accessRuleOf } from './access-rule.js';
import type { UserPrincipal } from './principal.js';
import { presentedCredential } from './presented-api-key.js';

/**
 * RFC 6750 §3: the schemes the client may use; `error="invalid_token"` only when a credential was
 * presented and refused (§3.1: a request without credentials gets no error code).
 */
const CHALLENGE = 'Bearer realm="api", error="invalid_token", ApiKey realm="api"';
const MISSING_CHALLENGE = 'Bearer realm="api", ApiKey realm="api"';
const missing = () =>
  new ProblemException(401, {
    detail: 'A valid access token or API key is required.',
    headers: { 'WWW-Authenticate': MISSING_CHALLENGE },
  });
const refused = () =>
  new ProblemException(401, {
    detail: 'A valid access token or API key is required.',
    headers: { 'WWW-Authenticate': CHALLENGE },
  });

const bearerToken = (req: Request): string | undefined => /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];

/**
 * Global authentication (APP_GUARD): deny unless the route is @Public(). Bearer tokens are
 * verified by the passport-jwt strategy; API keys (X-API-Key or `Authorization: ApiKey`) by the
 * ApiKeyAuthenticator. Credentials are read only from headers. An undeclared route is refused
 * here too, in case the boot check is bypassed (OWASP API2:2023 / API5:2023).
 */
@Injectable()
export class AuthenticationGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyAuthenticator,
    private readonly jwt: JwtStrategy,
    private readonly external: ExternalTokenAuthenticator,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = accessRuleOf(this.reflector, context.getHandler(), context.getClass());
    if (!rule) throw new ForbiddenException();
    if (rule.isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    // A refusal below is audited by the filter; it should still name the action it refused.
    rememberAuditDeclaration(req, auditDeclarationOf(this.reflector, context.getHandler(), context.getClass()));
    const credential = presentedCredential(req);
    if (credential.kind === 'none') throw missing();
    if (credential.kind === 'ambiguous') throw refused();
    if (credential.kind === 'apiKey') {
      const check = await this.apiKeys.authenticate(credential.key, req.ip);
      if (!check.ok)
        throw check.status === 403
          ? new ProblemException(403, { detail: 'This API key may not be used from this address.' })
          : refused();
      req.user = check.principal;
      return true;
    }
    // A token whose `iss` is the external OpenID provider's: verified against the provider's keys
    // (src/oidc/); its failures are refusals like ours, a database outage a 503 as below.
    const token = bearerToken(req);
    if (token !== undefined && this.external.claims(token)) {
      const check = await this.external.authenticate(token).catch((error: unknown) => this.handleRequest<never>(error, false));
      if (!check.ok) throw refused();
      req.user = check.principal;
      return true;
    }
    // A token already verified once: the same checks as the strategy's, without passport's
    // per-request closures and promises (10 % of a note read's allocations, docs/performance.md).
    const cached = this.jwt.cachedPrincipal(req);
    if (cached === undefined) return (await super.canActivate(context)) as boolean;
    // handleRequest maps failures exactly as on the passport path: 503 when the revocation state is unknown, else 401.
    const principal = await cached.catch((error: unknown) => this.handleRequest<UserPrincipal | false>(error, false));
    req.user = this.handleRequest(undefined, principal);
    return true;
  }

  override handleRequest<TUser>(error: unknown, user: TUser | false): TUser {
    // Revocation state unknown (Redis unreachable): 503, never an accepted, possibly revoked token.
    if (error instanceof StateStoreUnavailableError) throw error;
    // The account could not be read (database down or too slow): 503, not a 401 that tells the
    // client its valid token is bad (it would drop its session).
    if (isDatabaseUnavailable(error)) throw new DatabaseUnavailableError();
    if (error || !user) throw refused();
    return user;
  }
}
