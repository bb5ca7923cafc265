import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';

export interface PublicJwk {
  kty: string;
  crv: string;
  x: string;
  y: string;
  kid: string;
  alg: 'ES256';
  use: 'sig';
}

/** RFC 7638 JWK thumbprint: a key id derived from the key itself, so it cannot name anything else. */
function thumbprint(publicKey: KeyObject): string {
  const jwk = publicKey.export({ format: 'jwk' });
  const canonical = JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y });
  return createHash('sha256').update(canonical).digest('base64url');
}

/**
 * The signing key and the verification keys, imported once at boot as KeyObjects (parsing a
 * PEM per request would cost far more than the ES256 verify itself). Verification keys come
 * only from configuration: the active key's public half and JWT_PREVIOUS_PUBLIC_KEYS (RFC 8725 §3.1).
 */
@Injectable()
export class JwtKeySet {
  readonly signingKey: KeyObject;
  readonly signingKid: string;
  private readonly verificationKeys = new Map<string, KeyObject>();

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.signingKey = config.jwt.privateKey;
    const active = createPublicKey(this.signingKey);
    this.signingKid = thumbprint(active);
    for (const key of [active, ...config.jwt.previousPublicKeys]) this.verificationKeys.set(thumbprint(key), key);
  }

  /** The verification key for a kid, or undefined: an unknown kid never reaches a file or URL lookup. */
  verificationKey(kid: string): KeyObject | undefined {
    return this.verificationKeys.get(kid);
  }

  jwks(): { keys: PublicJwk[] } {
    return {
      keys: [...this.verificationKeys].map(([kid, key]) => {
        const { kty, crv, x, y } = key.export({ format: 'jwk' });
        return { kty: kty!, crv: crv!, x: x!, y: y!, kid, alg: 'ES256', use: 'sig' };
      }),
    };
  }
}
