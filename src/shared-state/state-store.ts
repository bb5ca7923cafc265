/**
 * The shared-state port (DESIGN §2.5): lockouts, token revocations, rate-limit counters and IP
 * blocks go through this interface, so several instances can share them through Redis while a
 * single instance keeps them in process. Every entry expires: nothing here grows without bound.
 */
export interface StateStore {
  get(key: string): Promise<string | undefined>;
  /** Sets a value that disappears after ttlSeconds. */
  set(key: string, value: string, ttlSeconds: number): Promise<void>;
  /** Atomically adds 1; the first increment starts a ttlSeconds window. Returns the new count. */
  increment(key: string, ttlSeconds: number): Promise<number>;
  delete(key: string): Promise<void>;
}

export const STATE_STORE = Symbol('STATE_STORE');
