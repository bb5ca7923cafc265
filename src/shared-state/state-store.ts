/**
 * The shared-state port (docs/architecture.md#shared-state-through-one-port): lockouts, token revocations, rate-limit counters and IP
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

/**
 * The Redis circuit (circuit-breaker.ts) as the rest of the app sees it; null in process (no Redis,
 * nothing to degrade). For /health/ready, and for whoever must act when Redis answers again
 * (e.g. re-publishing revocations that could not be written during the outage).
 */
export interface SharedStateCircuit {
  /** True while the breaker is open: commands fail at once without asking Redis. */
  readonly degraded: boolean;
  /** Resolves when Redis answers a PING; rejects at once while degraded. */
  ping(): Promise<void>;
  /** Called once per change between healthy and degraded, never per request. */
  onChange(listener: (change: { readonly degraded: boolean }) => void): void;
}
export const SHARED_STATE_CIRCUIT = Symbol('SHARED_STATE_CIRCUIT');
