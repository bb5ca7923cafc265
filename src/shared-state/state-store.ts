/**
 * The shared-state port (DESIGN §2.5): lockouts, token revocations, rate-limit counters and IP
 * blocks go through this interface, so several instances can share them through Redis while a
 * single instance keeps them in process. Every entry expires: nothing here grows without bound.
 * With Redis, a method may reject with StateStoreUnavailableError (a 503 problem).
 */
export interface StateStore {
  get(key: string): Promise<string | undefined>;
  /** Sets a value that disappears after ttlSeconds. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Atomically adds 1; the first increment starts a ttlSeconds window. Returns the new count. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  delete(key: string): Promise<void>;
}

/** Strict store: fails closed when Redis is unreachable. For revocations and lockouts. */
export const STATE_STORE = Symbol('STATE_STORE');

/**
 * Store for counters that may degrade to this instance's memory while Redis is unreachable:
 * rate limits, IDS counters and blocks (see fallback-state-store.ts for why).
 */
export const COUNTER_STATE_STORE = Symbol('COUNTER_STATE_STORE');

/** Readiness probe of the shared store: a ping when Redis is configured, null in process. */
export type SharedStateProbe = (() => Promise<void>) | null;
export const SHARED_STATE_PROBE = Symbol('SHARED_STATE_PROBE');
