import { createHash, randomUUID } from 'node:crypto';
import { SignJWT, calculateJwkThumbprint, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

export interface ProofClaims {
  readonly htm: string;
  readonly htu: string;
  /** The access token the proof goes with: its hash becomes `ath`. */
  readonly accessToken?: string;
  readonly nonce?: string;
  readonly jti?: string;
  /** Seconds since the epoch; now by default. */
  readonly iat?: number;
  /** Overrides of the proof's claims (e.g. a wrong ath). */
  readonly claims?: Record<string, unknown>;
  /** Overrides of the protected header (e.g. another jwk). */
  readonly header?: Record<string, unknown>;
}

/** A DPoP client key pair (real crypto, jose) that signs RFC 9449 proofs, for the e2e suites. */
export class DpopClient {
  private constructor(
    readonly alg: string,
    private readonly privateKey: CryptoKey,
    readonly publicJwk: JWK,
    readonly privateJwk: JWK,
    /** RFC 7638 SHA-256 thumbprint: what cnf.jkt of a bound token must say. */
    readonly jkt: string,
  ) {}

  static async generate(alg = 'ES256'): Promise<DpopClient> {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    return new DpopClient(alg, privateKey, publicJwk, await exportJWK(privateKey), await calculateJwkThumbprint(publicJwk));
  }

  proof(claims: ProofClaims): Promise<string> {
    return new SignJWT({
      jti: claims.jti ?? randomUUID(),
      htm: claims.htm,
      htu: claims.htu,
      iat: claims.iat ?? Math.floor(Date.now() / 1000),
      ...(claims.accessToken === undefined ? {} : { ath: athOf(claims.accessToken) }),
      ...(claims.nonce === undefined ? {} : { nonce: claims.nonce }),
      ...claims.claims,
    })
      .setProtectedHeader({ typ: 'dpop+jwt', alg: this.alg, jwk: this.publicJwk, ...claims.header })
      .sign(this.privateKey);
  }
}

export function athOf(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/** The claims of a JWT, without verifying it (to look at cnf.jkt and sid in tests). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
