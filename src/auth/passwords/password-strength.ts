import { Worker } from 'node:worker_threads';
import { ProblemException } from '../../http/problem.exception.js';
import type { StrengthVerdict } from './password-strength.estimator.js';
import type { StrengthRequest } from './password-strength.worker.js';

/** Checks waiting for the worker; one more is refused at once (a registration flood gets 503s). */
const MAX_PENDING = 32;
/** A check not answered in time ends the worker (a runaway input must not hold the queue). */
const DEADLINE_MS = 10_000;

/**
 * The strength check is saturated or failed: a 503 with Retry-After, never an accepted password.
 * The client reads the same detail either way; `reason` is for the operator's log (the filter logs
 * the error with its own properties), so a worker that keeps dying is not taken for a flood.
 */
export class StrengthCheckUnavailableError extends ProblemException {
  constructor(readonly reason: string = 'queue full') {
    super(503, {
      detail: 'Too many passwords are being checked right now; retry shortly.',
      headers: { 'Retry-After': '1' },
    });
  }
}

interface Pending {
  readonly resolve: (verdict: StrengthVerdict) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Runs zxcvbn (password-strength.estimator.ts) in one worker thread per process. Why a thread:
 * zxcvbn's matching is synchronous and, measured on the reference machine, takes a few ms for a
 * typical passphrase but 150–400 ms for 64 characters of mixed punctuation; on the event loop that
 * would stall every request in flight. Why one, started on first use: its dictionaries take
 * about a second and some 60 MB of heap to load. Fails closed: a full queue, a dead worker or a
 * deadline gives StrengthCheckUnavailableError, never a password accepted unchecked.
 */
class PasswordStrengthWorker {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  assess(password: string, userInputs: readonly string[]): Promise<StrengthVerdict> {
    if (this.pending.size >= MAX_PENDING) return Promise.reject(new StrengthCheckUnavailableError());
    const worker = this.running();
    const id = this.nextId++;
    return new Promise<StrengthVerdict>((resolve, reject) => {
      const timer = setTimeout(() => this.stop(worker, 'deadline'), DEADLINE_MS);
      this.pending.set(id, { resolve, reject, timer });
      // Referenced only while a check is pending: an idle worker never keeps the process alive.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, password, userInputs } satisfies StrengthRequest);
    });
  }

  private running(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./password-strength.worker.js', import.meta.url), {
      // Bounds the dictionaries' heap; exceeding it ends the worker, and the checks fail closed.
      // A small young generation: the default one let the worker's resident memory grow from 83
      // to 139 MB over 50 checks, with checks no faster (docs/performance.md, "Peak RSS").
      resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 4 },
    });
    worker.unref();
    worker.on('message', ({ id, verdict }: { id: number; verdict: StrengthVerdict }) => this.settle(id, verdict));
    // The error's code or class only: its message is not ours to log.
    worker.on('error', (error: Error & { code?: unknown }) =>
      this.stop(worker, `worker error ${String(error.code ?? error.name)}`),
    );
    worker.on('exit', (code) => this.stop(worker, `worker exit ${code}`));
    this.worker = worker;
    return worker;
  }

  private settle(id: number, verdict: StrengthVerdict): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    entry.resolve(verdict);
  }

  /** Ends this worker and fails its pending checks; the next check starts a fresh worker. */
  private stop(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    void worker.terminate();
    for (const entry of this.pending.values()) {
      clearTimeout(entry.timer);
      entry.reject(new StrengthCheckUnavailableError(reason));
    }
    this.pending.clear();
  }
}

/** One per process, so the dictionaries are loaded once however many apps or calls use it. */
export const passwordStrength = new PasswordStrengthWorker();
