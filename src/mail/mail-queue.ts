import type { OnApplicationShutdown } from '@nestjs/common';
import type { Response } from 'express';
import { outsideRequestTransactions } from '../database/request-transaction.js';
import type { MailMessage, MailKind } from './mail-message.js';
import type { MailMetrics } from './mail-metrics.js';
import type { MailTransport } from './mail-transport.js';

/** Builds the message when its turn comes; null when there is nothing to send (an unknown email). */
export type ComposeMail = () => Promise<MailMessage | null>;

export interface MailQueueOptions {
  readonly from: string;
  readonly attempts: number;
  readonly retryDelayMs: number;
  readonly maxQueued: number;
  /** Jobs run at once; a slow SMTP server then holds a few slots, not the event loop. */
  readonly concurrency?: number;
}

/** The few fields a failure is logged with: never the recipient, the subject, the link or the server's reply text. */
export interface MailLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

interface Job {
  readonly kind: MailKind;
  readonly compose: ComposeMail;
}

const SHUTDOWN_WAIT_MS = 5000;

/**
 * Sending never blocks a response: routes hand a job to this in-process queue and answer at once.
 * A job composes its message off the request path (outside the request's transaction), then the
 * transport delivers it, retried MAIL_SEND_ATTEMPTS times with a doubling delay. Bounded: beyond
 * MAIL_QUEUE_MAX waiting jobs a new one is dropped. Every end is counted (mail-metrics.ts) and a
 * failure is logged with its kind and error code only. Nothing of it reaches the client: the
 * answer was sent before the first attempt. Per instance and in memory: a crash loses queued
 * mail, and the user asks again (a reset link is cheap to request; docs/account-lifecycle.md).
 */
export class MailQueue implements OnApplicationShutdown {
  private readonly waiting: Job[] = [];
  private readonly running = new Set<Promise<void>>();
  private readonly concurrency: number;
  private closing = false;

  constructor(
    private readonly transport: MailTransport,
    private readonly metrics: MailMetrics,
    private readonly logger: MailLogger,
    private readonly options: MailQueueOptions,
  ) {
    this.concurrency = options.concurrency ?? 2;
  }

  /** Queues a job; false when it was dropped (queue full or shutting down). Never throws. */
  enqueue(kind: MailKind, compose: ComposeMail): boolean {
    if (this.closing || this.waiting.length >= this.options.maxQueued) {
      this.metrics.outcome(kind, 'dropped');
      this.logger.warn({ kind, queued: this.waiting.length }, 'Mail dropped: the queue is full or closing');
      return false;
    }
    this.waiting.push({ kind, compose });
    this.metrics.queued.set(this.waiting.length + this.running.size);
    // Out of the request's async context: a job's queries must not join its unit of work.
    outsideRequestTransactions(() => setImmediate(() => this.pump()));
    return true;
  }

  /**
   * Queues the job once the response has gone out with a 2xx: the response is held until the
   * request's transaction (and audit event) committed, so the job sees committed rows, and a
   * request that failed sends nothing.
   */
  enqueueAfterResponse(res: Response, kind: MailKind, compose: ComposeMail): void {
    res.once('finish', () => {
      if (res.statusCode >= 200 && res.statusCode < 300) this.enqueue(kind, compose);
    });
  }

  /** Resolves when nothing is waiting or running (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.waiting.length > 0 || this.running.size > 0) {
      await Promise.race([...this.running, new Promise((resolve) => setTimeout(resolve, 10))]);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const abandoned = this.waiting.length;
    const deadline = new Promise((resolve) => setTimeout(resolve, SHUTDOWN_WAIT_MS).unref());
    await Promise.race([Promise.allSettled(this.running), deadline]);
    if (abandoned > 0 || this.waiting.length > 0) {
      this.logger.warn({ abandoned: this.waiting.length }, 'Mail not sent before shutdown');
    }
    this.transport.close();
  }

  private pump(): void {
    while (this.running.size < this.concurrency && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const run: Promise<void> = this.run(job).finally(() => {
        this.running.delete(run);
        this.metrics.queued.set(this.waiting.length + this.running.size);
        if (!this.closing) this.pump();
      });
      this.running.add(run);
    }
  }

  private async run(job: Job): Promise<void> {
    let message: MailMessage | null;
    try {
      message = await job.compose();
    } catch (error) {
      this.metrics.outcome(job.kind, 'failed');
      this.logger.error({ kind: job.kind, failure: errorCode(error) }, 'Mail not composed');
      return;
    }
    if (message === null) {
      this.metrics.outcome(job.kind, 'not_sent');
      return;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        await this.transport.send(message, this.options.from);
        this.metrics.outcome(job.kind, 'sent');
        return;
      } catch (error) {
        this.metrics.attemptFailures.inc({ kind: job.kind });
        if (attempt >= this.options.attempts || this.closing) {
          this.metrics.outcome(job.kind, 'failed');
          this.logger.error({ kind: job.kind, attempts: attempt, failure: errorCode(error) }, 'Mail not delivered');
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.retryDelayMs * 2 ** (attempt - 1)).unref());
      }
    }
  }
}

/**
 * The error's code only (ECONNREFUSED, EAUTH, an SMTP response code): nodemailer's messages and
 * the server's reply text can repeat the recipient, and the composed message holds the link.
 */
function errorCode(error: unknown): { code?: string; responseCode?: number; type: string } {
  const fields = (error ?? {}) as { code?: unknown; responseCode?: unknown; constructor?: { name?: string } };
  return {
    type: typeof fields.constructor?.name === 'string' ? fields.constructor.name : 'Error',
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.responseCode === 'number' ? { responseCode: fields.responseCode } : {}),
  };
}
