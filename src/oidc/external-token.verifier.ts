import { Inject, Injectable } from '@nestjs/common';
import { jwtVerify, type JWTPayload } from 'jose';
import { unverifiedIssuerOf } from '../access/bearer-credential.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import type { OidcConfig } from '../config/oidc-config.js';
import { ProviderKeySet, ProviderUnreachableError, type ProviderKeyStatus } from './provider-key-set.js';

/** Provider clocks are not ours: a little more slack than for our own tokens, still small. */
export const EXTERNAL_CLOCK_TOLERANCE_SECONDS = 30;
/** No provider access token is accepted once this old, whatever its `exp` says. */
const MAX_TOKEN_AGE = '1 day';

export type ExternalVerification =
  | { readonly ok: true; readonly claims: JWTPayload }
  | { readonly ok: false; readonly reason: 'invalid' | 'provider-unreachable' };

/**
 * Verifies access tokens of the external OpenID provider with jose (RFC 9068 JWT access tokens,
 * RFC 8725 best practices): the `alg` must be in OIDC_ALGORITHMS (checked before any key lookup,
 * so `none`, HMAC and algorithm-confusion tokens never reach a key); the key comes from the
 * provider's JWKS by `kid`; `iss` must equal OIDC_ISSUER and `aud` include OIDC_AUDIENCE; `exp`,
 * `iat` and `sub` are required; `exp`, `nbf` and `iat` are checked with a small clock tolerance;
 * a `typ` header, when it says anything, must say `at+jwt`, so an ID token, a logout token or a
 * DPoP proof signed by the same keys is not taken for an access token.
 */
@Injectable()
export class ExternalTokenVerifier {
  private readonly keys: ProviderKeySet | undefined;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const oidc = config.oidc;
    this.keys =
      oidc === undefined
        ? undefined
        : new ProviderKeySet({
            issuer: oidc.issuer,
            requireHttps: config.nodeEnv === 'production',
            cooldownMs: oidc.jwksCooldownSeconds * 1000,
          });
  }

  /** Whether OIDC_ISSUER is set. */
  get providerConfigured(): boolean {
    return this.keys !== undefined;
  }

  /** The provider's settings; only called once a token verified, so a provider is configured. */
  configuredProvider(): OidcConfig {
    if (this.config.oidc === undefined) throw new Error('no OpenID provider is configured');
    return this.config.oidc;
  }

  /**
   * Routing only, before any verification: does this token claim to come from the provider? Our
   * own tokens (and garbage) go the usual way, which refuses any other issuer. The bearer-token
   * authenticator (src/auth/tokens/) makes the same test the other way round, so exactly one claims it.
   */
  claimsProviderIssuer(token: string): boolean {
    return this.config.oidc !== undefined && unverifiedIssuerOf(token) === this.config.oidc.issuer;
  }

  async verify(token: string): Promise<ExternalVerification> {
    const oidc = this.config.oidc;
    if (oidc === undefined || this.keys === undefined) return { ok: false, reason: 'invalid' };
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.keys.resolve, {
        issuer: oidc.issuer,
        audience: oidc.audience,
        algorithms: [...oidc.algorithms],
        requiredClaims: ['exp', 'iat', 'sub'],
        clockTolerance: EXTERNAL_CLOCK_TOLERANCE_SECONDS,
        maxTokenAge: MAX_TOKEN_AGE,
      });
      if (!accessTokenType(protectedHeader.typ)) return { ok: false, reason: 'invalid' };
      return { ok: true, claims: payload };
    } catch (error) {
      return { ok: false, reason: error instanceof ProviderUnreachableError ? 'provider-unreachable' : 'invalid' };
    }
  }

  /** For /health/ready; undefined when no provider is configured. */
  keyStatus(): Promise<ProviderKeyStatus> | undefined {
    return this.keys?.status();
  }

  /** Fetches of the provider's discovery document and keys so far (tests, diagnostics). */
  get keyFetches(): number {
    return this.keys?.fetches ?? 0;
  }
}

/**
 * RFC 9068 §4: `at+jwt` (or its full media type). Absent, or the generic `JWT` that Keycloak and
 * Entra ID put on every token, says nothing about the token's purpose and is left to `aud` (an ID
 * token's audience is a client id, never OIDC_AUDIENCE); any other type is refused.
 */
function accessTokenType(typ: string | undefined): boolean {
  if (typ === undefined) return true;
  const value = typ.toLowerCase();
  return value === 'at+jwt' || value === 'application/at+jwt' || value === 'jwt';
}
