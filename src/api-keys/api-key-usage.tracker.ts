import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { ApiKey } from './api-key.entity.js';

interface PendingUse {
  count: number;
  lastUsedAt: Date;
  lastUsedIp: string | null;
  /** Failed writes of (the oldest part of) this count so far. */
  failures: number;
}

const FLUSH_INTERVAL_MS = 1000;
/**
 * A key's pending uses survive this many failed writes (one per interval: about 30 s of database
 * trouble) before they are given up and logged. The bound keeps a permanently failing write from
 * being retried for ever; memory is bounded anyway (one entry per key).
 */
export const MAX_FLUSH_FAILURES = 30;
/** On shutdown there is no next interval: a few quick retries, then what is left is logged as lost. */
const SHUTDOWN_ATTEMPTS = 3;
const SHUTDOWN_RETRY_MS = 200;

/**
 * Usage monitoring without a database write per request: uses are summed in memory and written
 * once a second per key (useCount = useCount + n, so several instances add up correctly), and
 * on shutdown after the last request has been answered (src/lifecycle/http-drain.ts).
 * lastUsedAt is therefore accurate to about a second (ASVS 16.1 / OWASP API9).
 *
 * What can be lost (docs/operations.md "What API-key usage can lose"): on a crash (kill -9),
 * the uses since the last successful write, at most one interval; while the database refuses
 * the write, nothing, until a key's write has failed MAX_FLUSH_FAILURES times; then its pending
 * count is dropped with an error log naming the key and the count.
 */
@Injectable()
export class ApiKeyUsageTracker implements OnModuleDestroy {
  private pending = new Map<string, PendingUse>();
  private readonly timer: NodeJS.Timeout;
  /** Flushes run one after the other: a shutdown flush waits for the periodic one in flight. */
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
    private readonly metrics: MetricsRegistry,
  ) {
    this.logger.setContext('ApiKeyUsageTracker');
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(keyId: string, ip: string | undefined): void {
    this.metrics.apiKeyRequests.inc({ key_id: keyId });
    this.merge(keyId, { count: 1, lastUsedAt: new Date(), lastUsedIp: ip ?? null, failures: 0 });
  }

  /** Writes what is pending; uses whose write fails stay pending for the next flush (bounded). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  /** Uses counted in memory and not yet written (tests and the shutdown log read it). */
  get pendingUses(): number {
    let total = 0;
    for (const use of this.pending.values()) total += use.count;
    return total;
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    for (let attempt = 1; attempt <= SHUTDOWN_ATTEMPTS; attempt++) {
      await this.flush();
      if (this.pending.size === 0) return;
      if (attempt < SHUTDOWN_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, SHUTDOWN_RETRY_MS));
    }
    for (const [keyId, use] of this.pending) {
      this.logger.error({ keyId, lostUses: use.count }, 'API key usage lost at shutdown: the database refused the write');
    }
    this.pending.clear();
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0 || !this.dataSource.isInitialized) return;
    const batch = this.pending;
    this.pending = new Map();
    // One statement per key, so one failing key (or a connection lost midway) costs only the
    // keys not yet written, and those are put back.
    for (const [keyId, use] of batch) {
      try {
        await this.dataSource
          .createQueryBuilder()
          .update(ApiKey)
          .set({ useCount: () => `use_count + ${Number(use.count)}`, lastUsedAt: use.lastUsedAt, lastUsedIp: use.lastUsedIp })
          .where('id = :id', { id: keyId })
          .execute();
      } catch (error) {
        this.retryLater(keyId, use, error);
      }
    }
  }

  private retryLater(keyId: string, use: PendingUse, error: unknown): void {
    const failures = use.failures + 1;
    if (failures >= MAX_FLUSH_FAILURES) {
      this.logger.error(
        { cause: errorCode(error), keyId, lostUses: use.count, failures },
        'API key usage lost: the write kept failing',
      );
      return;
    }
    this.logger.warn(
      { cause: errorCode(error), keyId, pendingUses: use.count, failures },
      'could not record API key usage; retrying',
    );
    this.merge(keyId, { ...use, failures });
  }

  /** Adds uses to the pending entry of a key: counts add up, the latest use wins. */
  private merge(keyId: string, use: PendingUse): void {
    const entry = this.pending.get(keyId);
    if (entry === undefined) {
      this.pending.set(keyId, { ...use });
      return;
    }
    entry.count += use.count;
    entry.failures = Math.max(entry.failures, use.failures);
    if (use.lastUsedAt >= entry.lastUsedAt) {
      entry.lastUsedAt = use.lastUsedAt;
      entry.lastUsedIp = use.lastUsedIp;
    }
  }
}

/** The driver's error code only: the error itself carries the query and its parameters (the client's IP). */
function errorCode(error: unknown): string {
  const { code, driverError } = (error ?? {}) as { code?: unknown; driverError?: { code?: unknown } };
  const found = driverError?.code ?? code;
  return typeof found === 'string' ? found : error instanceof Error ? error.name : 'unknown';
}
