import { Global, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { PersistingSecurityEvents } from './persisting-security-events.js';
import { SecurityEventsController } from './security-events.controller.js';
import { SecurityEventsService } from './security-events.service.js';
import { SecurityEvents } from './security-events.js';

/**
 * Makes the SecurityEvents port injectable everywhere, bound to the persisting implementation
 * (log line + metric + security_events row), and serves GET /api/v1/security-events.
 */
@Global()
@Module({
  controllers: [SecurityEventsController],
  providers: [
    SecurityEventsService,
    {
      provide: SecurityEvents,
      inject: [SecurityEventsService, PinoLogger, MetricsRegistry],
      useFactory: (store: SecurityEventsService, logger: PinoLogger, metrics: MetricsRegistry) => {
        logger.setContext('SecurityEvents');
        return new PersistingSecurityEvents(store, logger, metrics);
      },
    },
  ],
  exports: [SecurityEvents],
})
export class SecurityEventsModule {}
