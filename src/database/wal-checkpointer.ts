import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { DataSource } from 'typeorm';

/** SQLite's own default: a checkpoint once the WAL holds this many pages. */
const SQLITE_DEFAULT_AUTOCHECKPOINT = 1000;

/** Runs in the worker thread (CommonJS, given by eval): a second connection that only checkpoints. */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { timeout: workerData.busyTimeoutMs });
const run = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ type: 'checkpoint', log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    parentPort.postMessage({ type: 'error', message: String(error && error.message) });
  }
};
const timer = setInterval(run, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  run();
  db.close();
  parentPort.close();
});
`;

export interface CheckpointResult {
  /** Frames in the WAL, and how many of them are now copied into the database file. */
  readonly log: number;
  readonly checkpointed: number;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. better-sqlite3 is synchronous, so the
 * automatic checkpoint (copying the WAL into the database file and syncing it, every 1000
 * pages) ran inside whichever commit crossed the threshold, usually an audit batch: 20 to 100 ms
 * during which no request was served. Here the app's connection stops checkpointing
 * (`wal_autocheckpoint = 0`) and a worker thread with its own connection runs a PASSIVE
 * checkpoint every `intervalMs`; PASSIVE never blocks the app's readers or writer. Durability
 * is unchanged: a transaction is durable once its commit is in the WAL, checkpointed or not.
 * If the worker stops or fails, the app's connection checkpoints by itself again, so the WAL
 * can never grow without bound. PostgreSQL needs none of this.
 */
export class WalCheckpointer implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private readonly listeners = new Set<(result: CheckpointResult) => void>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly file: string | undefined,
    private readonly intervalMs = 500,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.file === undefined || this.worker) return;
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
        file: this.file,
        intervalMs: this.intervalMs,
        busyTimeoutMs: 5000,
      },
    });
    // Never what keeps the process alive (a CLI command or a test that forgets to close).
    worker.unref();
    worker.on('message', (message: { type: string } & CheckpointResult) => {
      if (message.type === 'checkpoint') for (const listener of this.listeners) listener(message);
    });
    // Fail safe: without the worker, the app's connection checkpoints inline again.
    worker.once('error', () => void this.restoreAutocheckpoint());
    worker.once('exit', () => {
      if (this.worker === worker) this.worker = undefined;
      void this.restoreAutocheckpoint();
    });
    this.worker = worker;
    await this.dataSource.query('PRAGMA wal_autocheckpoint = 0');
  }

  async onApplicationShutdown(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    // Held until its last checkpoint and close are done.
    worker.ref();
    worker.postMessage('stop');
    await exited;
  }

  /** Calls `listener` after each checkpoint the worker runs (tests, diagnostics). */
  onCheckpoint(listener: (result: CheckpointResult) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get running(): boolean {
    return this.worker !== undefined;
  }

  private async restoreAutocheckpoint(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    await this.dataSource.query(`PRAGMA wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT}`).catch(() => undefined);
  }
}
