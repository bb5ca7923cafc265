import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';

/** How long a nonce we issued is accepted (RFC 9449 §9: the server decides). */
export const DPOP_NONCE_LIFETIME_SECONDS = 300;
const TIME_BYTES = 6;
const MAC_BYTES = 16;

/**
 * Server-provided DPoP nonces (RFC 9449 §8, §9): they bound how far ahead of its use a proof can
 * be made, whatever the client's clock says. Stateless, so any instance accepts a nonce another
 * issued and nothing is stored per client: a nonce is its issue time and an HMAC of it, under a
 * key derived (HKDF, its own label) from API_KEY_PEPPER, which every instance shares. Replay of
 * a whole proof is stopped by the jti cache, not here; a nonce may be used by many proofs until it
 * ages out.
 */
@Injectable()
export class DpopNonces {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.key = Buffer.from(hkdfSync('sha256', config.apiKeyPepper, Buffer.alloc(0), 'secure-nest-api dpop-nonce v1', 32));
  }

  issue(now = Date.now()): string {
    const time = Buffer.alloc(TIME_BYTES);
    time.writeUIntBE(Math.floor(now / 1000), 0, TIME_BYTES);
    return Buffer.concat([time, this.mac(time)]).toString('base64url');
  }

  /** True for a nonce this deployment issued less than DPOP_NONCE_LIFETIME_SECONDS ago. */
  isFresh(nonce: unknown, now = Date.now()): boolean {
    if (typeof nonce !== 'string' || nonce.length > 64) return false;
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== TIME_BYTES + MAC_BYTES || raw.toString('base64url') !== nonce) return false;
    const time = raw.subarray(0, TIME_BYTES);
    if (!timingSafeEqual(raw.subarray(TIME_BYTES), this.mac(time))) return false;
    const age = Math.floor(now / 1000) - time.readUIntBE(0, TIME_BYTES);
    return age >= 0 && age <= DPOP_NONCE_LIFETIME_SECONDS;
  }

  private mac(time: Buffer): Buffer {
    return createHmac('sha256', this.key).update(time).digest().subarray(0, MAC_BYTES);
  }
}
