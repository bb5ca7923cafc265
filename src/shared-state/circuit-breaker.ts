/** closed: commands go to Redis. open: they fail at once. half-open: a background probe is deciding. */
export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures (timeouts, connection errors) that open the circuit. */
  readonly failureThreshold: number;
  /** While open, how long to wait before each background probe. */
  readonly probeIntervalMs: number;
}

/** Told once per change between healthy (closed) and degraded (open or half-open), never per request. */
export type CircuitListener = (change: { readonly degraded: boolean; readonly cause?: string }) => void;

/** Schedules a callback and returns its cancel function (injectable so unit tests drive time by hand). */
export type ProbeScheduler = (callback: () => void, delayMs: number) => () => void;

const realScheduler: ProbeScheduler = (callback, delayMs) => {
  const timer = setTimeout(callback, delayMs);
  // A pending probe must never keep the process alive (tests, CLI, shutdown).
  timer.unref();
  return () => clearTimeout(timer);
};

/**
 * A circuit breaker in front of Redis. Why: every Redis command has a one-second deadline, and a
 * request makes up to four of them (rate limit, IDS block, revocation, lockout), so a hung Redis
 * would cost every request seconds before its degraded answer. After `failureThreshold`
 * consecutive failures, or as soon as the connection is known lost, the circuit opens and callers
 * get their degraded answer at once (StateStoreUnavailableError: local counters for limits, a
 * fast 503 for revocation-dependent checks). No request is used as a trial: while open, a
 * background probe (a PING) runs every `probeIntervalMs` (half-open while it runs) and closes the
 * circuit when Redis answers. A command that was already in flight when the circuit opened
 * cannot close it: only a probe can, so a slow straggler does not flap the state.
 */
export class CircuitBreaker {
  private current: CircuitState = 'closed';
  private failures = 0;
  private cancelProbe: (() => void) | undefined;
  private stopped = false;
  private readonly listeners: CircuitListener[] = [];

  constructor(
    private readonly options: CircuitBreakerOptions,
    private readonly probe: () => Promise<void>,
    private readonly schedule: ProbeScheduler = realScheduler,
  ) {}

  get state(): CircuitState {
    return this.current;
  }

  /** True while callers must not wait on Redis. */
  get degraded(): boolean {
    return this.current !== 'closed';
  }

  onChange(listener: CircuitListener): void {
    this.listeners.push(listener);
  }

  /** Whether a command may go to Redis now. */
  allows(): boolean {
    return this.current === 'closed';
  }

  /** A command answered. Resets the count of consecutive failures (only while closed: see the class comment). */
  recordSuccess(): void {
    if (this.current === 'closed') this.failures = 0;
  }

  /** A command failed (timeout, refused, connection lost). */
  recordFailure(cause: string): void {
    if (this.current !== 'closed' || this.stopped) return;
    this.failures += 1;
    if (this.failures >= this.options.failureThreshold) this.open(cause);
  }

  /** Opens at once: for facts such as a lost connection, where waiting for more failures only costs time. */
  trip(cause: string): void {
    // After stop(), the connection closing is our own doing (shutdown), not an outage.
    if (this.current === 'closed' && !this.stopped) this.open(cause);
  }

  /** Redis may be back (the client reconnected): probe now instead of at the next interval. */
  probeSoon(): void {
    if (this.current !== 'open' || this.stopped) return;
    this.cancelProbe?.();
    this.cancelProbe = this.schedule(() => void this.runProbe(), 0);
  }

  /** No more probes (shutdown). */
  stop(): void {
    this.stopped = true;
    this.cancelProbe?.();
    this.cancelProbe = undefined;
  }

  private open(cause: string): void {
    this.current = 'open';
    this.failures = 0;
    this.emit({ degraded: true, cause });
    this.scheduleProbe();
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.cancelProbe = this.schedule(() => void this.runProbe(), this.options.probeIntervalMs);
  }

  private async runProbe(): Promise<void> {
    this.cancelProbe = undefined;
    if (this.current !== 'open' || this.stopped) return;
    this.current = 'half-open';
    let answered: boolean;
    try {
      await this.probe();
      answered = true;
    } catch {
      answered = false;
    }
    if (this.stopped) return;
    if (answered) {
      this.current = 'closed';
      this.failures = 0;
      this.emit({ degraded: false });
    } else {
      this.current = 'open';
      this.scheduleProbe();
    }
  }

  private emit(change: Parameters<CircuitListener>[0]): void {
    for (const listener of this.listeners) listener(change);
  }
}
