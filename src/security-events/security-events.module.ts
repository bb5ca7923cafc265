import { Global, Module } from '@nestjs/common';
import { LoggingSecurityEvents } from './logging-security-events.js';
import { SecurityEvents } from './security-events.js';

/** Makes the SecurityEvents port injectable everywhere; swap `useClass` to persist events. */
@Global()
@Module({
  providers: [{ provide: SecurityEvents, useClass: LoggingSecurityEvents }],
  exports: [SecurityEvents],
})
export class SecurityEventsModule {}
