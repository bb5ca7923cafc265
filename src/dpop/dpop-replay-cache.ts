import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { STATE_STORE, type StateStore } from '../shared-state/state-store.js';

/**
 * The `jti` of every DPoP proof accepted within its acceptance window (RFC 9449 §11.1), in the
 * strict shared store: with Redis, a proof used on one instance is refused on every other; with
 * Redis unreachable the check rejects with StateStoreUnavailableError (a 503), never "not seen"
 * (fail closed, like revocation). One atomic INCR decides: of two concurrent uses, exactly one
 * counts first. Keyed by a digest of (key thumbprint, jti), so an entry has a fixed size and one
 * client's jti cannot block another's; each expires once a proof of that age is refused anyway.
 */
@Injectable()
export class DpopReplayCache {
  constructor(@Inject(STATE_STORE) private readonly store: StateStore) {}

  /** True the first time this (key, jti) is seen within ttlSeconds; false for a replay. */
  async firstUse(jkt: string, jti: string, ttlSeconds: number): Promise<boolean> {
    const id = createHash('sha256').update(jkt).update('\0').update(jti).digest('base64url');
    return (await this.store.increment(`dpop-jti:${id}`, ttlSeconds)) === 1;
  }
}
