import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import { SecurityEvents, type SecurityEventDetails, type SecurityEventType } from './security-events.js';

/** The part of pino's API this adapter uses (a fake in unit tests). */
export interface StructuredLogger {
  warn(obj: object, msg?: string): void;
}

/**
 * Writes each security event as one structured pino line (`securityEvent: true`, `type`, details),
 * with the `requestId` of the request that caused it when the recorder passes one (ASVS 16.2.1).
 */
@Injectable()
export class LoggingSecurityEvents extends SecurityEvents {
  constructor(@Inject(PinoLogger) private readonly logger: StructuredLogger) {
    super();
  }

  record(type: SecurityEventType, details: SecurityEventDetails): void {
    try {
      this.logger.warn({ ...details, securityEvent: true, type }, `security event: ${type}`);
    } catch {
      // A logging failure must never turn into a different error for the caller.
    }
  }
}
