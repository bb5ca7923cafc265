import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { Histogram } from 'prom-client';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { outsideRequestTransactions } from '../database/request-transaction.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { auditFailureReason } from './audit-failure.js';
import { AuditStore, type NewAuditEvent } from './audit-store.js';

interface Pending {
  readonly event: NewAuditEvent;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** The largest batch. */
const MAX_BATCH = 200;
/** Back-pressure: past this many waiting events, new requests wait for room (never dropped). */
const MAX_QUEUE = 10_000;
const ANCHOR_INTERVAL_MS = 60_000;

/**
 * Group commit for the audit trail (docs/architecture.md#performance-habits). Each request waits until its event is committed
 * (no response before its evidence is durable: a crash loses no event for an answer a client
 * saw), but requests handled in the same event-loop turn share one transaction, committed at
 * the end of that turn, so durability costs one commit per batch rather than per request. Events that
 * arrive during a commit form the next batch. Shutdown drains the queue.
 *
 * One bad event never fails its neighbours: if a batch is refused, its events are retried one
 * by one, so only the event the database refuses fails its request (503, fail closed), with the
 * reason logged as an error code, never the statement or its values. A batch refused because the
 * database is unavailable (database-unavailable.ts) is refused whole, at once: no retry.
 */
@Injectable()
export class AuditWriter implements BeforeApplicationShutdown {
  private queue: Pending[] = [];
  private scheduled: NodeJS.Immediate | undefined;
  private draining: Promise<void> | undefined;
  private lastAnchor = 0;
  private readonly batchSize: Histogram;
  private readonly commitSeconds: Histogram;

  constructor(
    private readonly store: AuditStore,
    private readonly logger: PinoLogger,
    metrics: MetricsRegistry,
  ) {
    this.logger.setContext('AuditWriter');
    this.batchSize = new Histogram({
      name: 'audit_batch_size',
      help: 'Audit events committed per transaction (group commit).',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200],
      registers: [metrics.registry],
    });
    this.commitSeconds = new Histogram({
      name: 'audit_commit_seconds',
      help: 'Time to commit one audit batch.',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [metrics.registry],
    });
  }

  /** Resolves once the event is committed; rejects if the batch could not be written. */
  async append(event: NewAuditEvent): Promise<void> {
    // Waiting for room starts a drain if none runs: outside the request's unit of work too.
    while (this.queue.length >= MAX_QUEUE) await (this.draining ?? outsideRequestTransactions(() => this.drain()));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ event, resolve, reject });
      // Batches belong to no request: they run outside the request's unit of work, if any.
      if (this.queue.length >= MAX_BATCH) void outsideRequestTransactions(() => this.drain());
      // The batch closes when this turn of the event loop has handled every request it read:
      // at saturation that is dozens, at low load one, with no timer delaying a lone request.
      else this.scheduled ??= outsideRequestTransactions(() => setImmediate(() => void this.drain()));
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.drain();
  }

  private drain(): Promise<void> {
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.draining ??= this.commitAll().finally(() => {
      this.draining = undefined;
      if (this.queue.length > 0) void this.drain();
    });
    return this.draining;
  }

  private async commitAll(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      const stop = this.commitSeconds.startTimer();
      try {
        const head = await this.store.append(batch.map((pending) => pending.event));
        stop();
        this.batchSize.observe(batch.length);
        for (const pending of batch) pending.resolve();
        this.anchor(head);
      } catch (error) {
        stop();
        // One by one only when an event may be the cause. A database that is down, too slow or
        // locked refuses each event alone just the same, one timeout each: the last request of a
        // batch of 200 would wait 200 timeouts. And a connection lost at COMMIT leaves it unknown
        // whether the batch committed: a retry could record every event twice.
        if (batch.length > 1 && !isDatabaseUnavailable(error)) await this.commitOneByOne(batch, error);
        else this.refuseAll(batch, error);
      }
    }
  }

  /** After a refused batch: each event alone, so only the culprit's request fails. */
  private async commitOneByOne(batch: readonly Pending[], batchError: unknown): Promise<void> {
    this.logger.warn(
      { events: batch.length, reason: auditFailureReason(batchError) },
      'audit batch refused: retrying its events one by one',
    );
    for (const [index, pending] of batch.entries()) {
      try {
        this.anchor(await this.store.append([pending.event]));
        this.batchSize.observe(1);
        pending.resolve();
      } catch (error) {
        // The database went away meanwhile: the rest would each wait for it in vain.
        if (isDatabaseUnavailable(error)) return this.refuseAll(batch.slice(index), error);
        this.refuse(pending, error);
      }
    }
  }

  /** One log line for the batch (an outage refuses batch after batch), then each request's 503. */
  private refuseAll(batch: readonly Pending[], error: unknown): void {
    if (batch.length === 1) return this.refuse(batch[0]!, error);
    this.logger.error(
      { events: batch.length, reason: auditFailureReason(error) },
      'audit batch could not be committed, the database is unavailable: its requests are refused (503)',
    );
    for (const pending of batch) pending.reject(error);
  }

  private refuse(pending: Pending, error: unknown): void {
    this.logger.error(
      { requestId: pending.event.requestId, reason: auditFailureReason(error) },
      'audit event could not be committed: its request is refused (503)',
    );
    pending.reject(error);
  }

  /** Logs the chain head now and then, so a truncated tail can be detected from the logs. */
  private anchor(head: { seq: number; hash: string }): void {
    if (Date.now() - this.lastAnchor < ANCHOR_INTERVAL_MS) return;
    this.lastAnchor = Date.now();
    this.logger.info({ auditChainHead: head }, 'audit chain head');
  }
}
