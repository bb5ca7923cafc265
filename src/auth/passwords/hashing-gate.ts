import { ProblemException } from '../../http/problem.exception.js';

/** Thrown when the gate's queue is full or a waiter waited too long: a 503 with Retry-After. */
export class HashingBusyError extends ProblemException {
  constructor() {
    super(503, {
      detail: 'Too many sign-ins are being processed right now; retry shortly.',
      headers: { 'Retry-After': '1' },
    });
  }
}

export interface HashingGateOptions {
  /** Hashes running at once. */
  readonly concurrency: number;
  /** Callers allowed to wait for a slot; one more is refused at once. */
  readonly maxWaiting: number;
  /** A waiter not admitted within this time is refused. */
  readonly maxWaitMs: number;
}

interface Waiter {
  readonly admit: () => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * A semaphore with a bounded, deadline-limited queue around password hashing. argon2id is
 * deliberately expensive (tens of ms of CPU and 19 MiB per hash): without a bound, a login
 * flood queues work on the libuv pool without limit, every hash thread competes with the event
 * loop for the cores, and the whole service (health probes, authenticated reads) slows with it
 * (OWASP API4:2023 unrestricted resource consumption). With it, at most `concurrency` hashes run,
 * a few more callers wait briefly in FIFO order, and the rest get a 503 with Retry-After at once.
 * The same gate serves every caller (known and unknown emails alike), so it adds no timing oracle.
 */
export class HashingGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly options: HashingGateOptions) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  get active(): number {
    return this.running;
  }

  get queued(): number {
    return this.waiting.length;
  }

  private acquire(): Promise<void> {
    if (this.running < this.options.concurrency) {
      this.running++;
      return Promise.resolve();
    }
    if (this.waiting.length >= this.options.maxWaiting) return Promise.reject(new HashingBusyError());
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        // The slot is handed over by release(): `running` does not change.
        admit: () => {
          clearTimeout(waiter.timer);
          resolve();
        },
        timer: setTimeout(() => {
          const index = this.waiting.indexOf(waiter);
          if (index >= 0) this.waiting.splice(index, 1);
          reject(new HashingBusyError());
        }, this.options.maxWaitMs),
      };
      this.waiting.push(waiter);
    });
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next.admit();
    else this.running--;
  }
}
