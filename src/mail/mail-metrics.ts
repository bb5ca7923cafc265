import { Counter, Gauge } from 'prom-client';
import type { MetricsRegistry } from '../metrics/metrics.registry.js';
import type { MailKind } from './mail-message.js';

/** What became of a queued message: every one ends in exactly one outcome. */
export type MailOutcome = 'sent' | 'failed' | 'dropped' | 'not_sent';

/**
 * The mail queue's series on the application's registry (GET /metrics): labels are the bounded
 * kind and outcome, never a recipient. `failed` counts messages whose every attempt failed (SMTP
 * down); `dropped` those refused because the queue was full; `not_sent` requests that needed no
 * message (an unknown email asking for a reset: counted, so the count of mails sent is not an oracle
 * for anyone who can read metrics either way, since metrics are admin-only).
 */
export class MailMetrics {
  readonly messages: Counter<'kind' | 'outcome'>;
  readonly attemptFailures: Counter<'kind'>;
  readonly queued: Gauge;

  constructor(metrics: MetricsRegistry) {
    this.messages = new Counter({
      name: 'mail_messages_total',
      help: 'Mail requests by kind and outcome: sent, failed (every attempt failed), dropped (queue full), not_sent (nothing to send).',
      labelNames: ['kind', 'outcome'] as const,
      registers: [metrics.registry],
    });
    this.attemptFailures = new Counter({
      name: 'mail_send_attempt_failures_total',
      help: 'Failed delivery attempts, retried or not, by kind.',
      labelNames: ['kind'] as const,
      registers: [metrics.registry],
    });
    this.queued = new Gauge({
      name: 'mail_queue_pending',
      help: 'Mail jobs waiting or in progress in this instance.',
      registers: [metrics.registry],
    });
  }

  outcome(kind: MailKind, outcome: MailOutcome): void {
    this.messages.inc({ kind, outcome });
  }
}
