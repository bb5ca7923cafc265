import { Global, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { DiscardMailTransport } from './discard-mail-transport.js';
import { MailMetrics } from './mail-metrics.js';
import { MailQueue } from './mail-queue.js';
import { MailTransport } from './mail-transport.js';
import { OutboxMailTransport } from './outbox-mail-transport.js';
import { SmtpMailTransport } from './smtp-mail-transport.js';

/**
 * Outgoing mail: the MailTransport port bound by configuration (SMTP_URL → SMTP; development
 * without it → .eml files in MAIL_OUTBOX_DIR; tests → discarded), behind the MailQueue every
 * feature sends through. A fork swaps the transport by binding another MailTransport here.
 * Production without SMTP_URL has no transport: config refused to start if a feature needs one
 * (src/config/mail-config.ts), and `mailer.available` is false for the rest.
 */
@Global()
@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [APP_CONFIG, PinoLogger],
      useFactory: (config: AppConfig, logger: PinoLogger): MailTransport => {
        const transport = config.mail.transport;
        logger.setContext('Mail');
        switch (transport.kind) {
          case 'smtp':
            return new SmtpMailTransport(transport.url);
          case 'outbox':
            // The path is logged so a developer can open the message; it names no recipient.
            return new OutboxMailTransport(transport.directory, (path) => logger.info({ path }, 'Mail written to the outbox'));
          default:
            return new DiscardMailTransport();
        }
      },
    },
    { provide: MailMetrics, inject: [MetricsRegistry], useFactory: (metrics: MetricsRegistry) => new MailMetrics(metrics) },
    {
      provide: MailQueue,
      inject: [APP_CONFIG, MailTransport, MailMetrics, PinoLogger],
      useFactory: (config: AppConfig, transport: MailTransport, metrics: MailMetrics, logger: PinoLogger) => {
        logger.setContext('Mail');
        const { from, sendAttempts, retryDelayMs, maxQueued } = config.mail;
        return new MailQueue(transport, metrics, logger, { from, attempts: sendAttempts, retryDelayMs, maxQueued });
      },
    },
  ],
  exports: [MailQueue, MailTransport],
})
export class MailModule {}
