import type { OnModuleDestroy } from '@nestjs/common';
import type { MetricsRegistry } from '../metrics/metrics.registry.js';
import type { StructuredLogger } from './logging-security-events.js';
import { LoggingSecurityEvents } from './logging-security-events.js';
import type { SecurityEventRecord } from './security-event.entity.js';
import { toSecurityEventRecord } from './security-event-record.factory.js';
import { SecurityEvents, type SecurityEventDetails, type SecurityEventType } from './security-events.js';
import { outsideRequestTransactions } from '../database/request-transaction.js';

/** Where stored events go (the security_events table; a fake in unit tests). */
export interface SecurityEventSink {
  write(records: readonly SecurityEventRecord[]): Promise<void>;
}

export interface PersistingOptions {
  /** Events waiting for the database at most; beyond it an event is logged and counted, not stored. */
  readonly maxPending: number;
  readonly batchSize: number;
  readonly flushDelayMs: number;
}

const DEFAULTS: PersistingOptions = { maxPending: 1000, batchSize: 100, flushDelayMs: 200 };

/**
 * The SecurityEvents port as the application uses it (docs/architecture.md#logs-audit-and-security-events-are-different-things: security events feed logs,
 * storage and metrics): each event is at once a pino line (with the request id), a
 * `security_events_total{type}` increment, and a row queued for the security_events table.
 * Rows are written in batches shortly after, off the request path. The queue is bounded: under
 * a flood beyond `maxPending` (an attacker trying to exhaust the database or memory, OWASP
 * API4:2023) further events are still logged and counted, and `security_events_dropped_total`
 * says how many rows were not stored, so nothing is lost silently. `record()` never throws.
 */
export class PersistingSecurityEvents extends SecurityEvents implements OnModuleDestroy {
  private readonly lines: LoggingSecurityEvents;
  private readonly options: PersistingOptions;
  private queue: SecurityEventRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly sink: SecurityEventSink,
    private readonly logger: StructuredLogger & { error(obj: object, msg?: string): void },
    private readonly metrics: MetricsRegistry,
    options: Partial<PersistingOptions> = {},
  ) {
    super();
    this.lines = new LoggingSecurityEvents(logger);
    this.options = { ...DEFAULTS, ...options };
  }

  record(type: SecurityEventType, details: SecurityEventDetails): void {
    try {
      this.lines.record(type, details);
      this.metrics.securityEvents.inc({ type });
      if (this.queue.length >= this.options.maxPending) {
        this.metrics.securityEventsDropped.inc();
        return;
      }
      this.queue.push(toSecurityEventRecord(type, details));
      this.schedule();
    } catch {
      // Recording must never become a different error for the caller.
    }
  }

  /** The event's row was written with its change's transaction: log and count it, queue nothing. */
  override announceStored(type: SecurityEventType, details: SecurityEventDetails): void {
    try {
      this.lines.record(type, details);
      this.metrics.securityEvents.inc({ type });
    } catch {
      // Never a different error for the caller: the row is already committed.
    }
  }

  /** Writes everything queued so far (tests and shutdown call it; otherwise it runs on a short timer). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.drain());
    return this.flushing;
  }

  async onModuleDestroy(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  get pending(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    // The flush belongs to no request: a timer set inside a state-changing request would
    // otherwise inherit its unit of work and write these rows in that request's transaction.
    this.timer = outsideRequestTransactions(() =>
      setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.options.flushDelayMs),
    );
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.batchSize);
      try {
        await this.sink.write(batch);
      } catch (error) {
        this.metrics.securityEventsDropped.inc(batch.length);
        this.logger.error({ err: error, dropped: batch.length }, 'could not store security events (they are in the log)');
      }
    }
  }
}
