import { createHash } from 'node:crypto';

/** What a verified access token established: the claims validation needs, and the key that signed it. */
export interface VerifiedClaims {
  readonly sub: string;
  readonly jti: string;
  readonly sid: string;
  readonly tv: number;
  readonly iat: number;
  readonly exp: number;
  readonly nbf: number | undefined;
  /** `amr` and `auth_time`: what step-up and the MFA requirement read (src/auth/mfa/mfa-policy.guard.ts). */
  readonly amr: readonly string[];
  readonly authTime: number;
  /** The kid of the verification key: a cached token counts only while that key is still configured. */
  readonly kid: string;
  /**
   * The DPoP key the token is bound to (cnf.jkt), undefined for a Bearer token. Only the binding
   * is cached, never a proof: every request, cached or not, needs a fresh one (src/dpop/).
   */
  readonly jkt: string | undefined;
}

export interface VerifiedTokenCacheOptions {
  readonly maxEntries: number;
  /** Seconds of clock tolerance, the same as the verifier's (jsonwebtoken `clockTolerance`). */
  readonly clockToleranceSeconds: number;
  readonly now?: () => number;
}

/**
 * Access tokens whose signature, header, issuer and audience passed full verification in this
 * process, so the same bytes presented again skip the ES256 verify and JOSE parsing (the largest
 * fixed cost of an authenticated request after the database). What it does *not* skip, so that
 * nothing that must take effect at once is delayed:
 * - expiry and not-before are re-checked on every hit, with the verifier's tolerance;
 * - the strategy re-checks that the signing key (kid) is still configured (key rotation);
 * - revocation, the user's state and token version are checked on every request, hit or miss.
 * Keys are SHA-256 digests, so no bearer token is kept in memory after its request. Bounded:
 * least-recently-used eviction beyond maxEntries, and an entry ends with its token.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, VerifiedClaims>();
  private readonly now: () => number;

  constructor(private readonly options: VerifiedTokenCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The claims of a token verified before and still within its validity window, else undefined. */
  get(token: string): VerifiedClaims | undefined {
    const key = digest(token);
    const claims = this.entries.get(key);
    if (claims === undefined) return undefined;
    const now = Math.floor(this.now() / 1000);
    const tolerance = this.options.clockToleranceSeconds;
    if (now >= claims.exp + tolerance) {
      this.entries.delete(key);
      return undefined;
    }
    // Not yet valid: a miss, so full verification gives the refusal.
    if (claims.nbf !== undefined && claims.nbf > now + tolerance) return undefined;
    // Re-insert: most recently used last.
    this.entries.delete(key);
    this.entries.set(key, claims);
    return claims;
  }

  /** Call only with the claims of a token that has just passed full verification. */
  remember(token: string, claims: VerifiedClaims): void {
    const key = digest(token);
    this.entries.delete(key);
    this.entries.set(key, claims);
    if (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
