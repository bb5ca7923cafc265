import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditRecorder } from './audit-recorder.js';
import { AuditStore } from './audit-store.js';
import { AuditVerifier } from './audit-verifier.js';
import { AuditWriter } from './audit-writer.js';

/** The audit trail: recorder (interceptor + filter), group-commit writer, chain, query and verify. */
@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [
    AuditStore,
    AuditWriter,
    AuditRecorder,
    AuditVerifier,
    AuditEventsService,
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
  ],
  exports: [AuditRecorder, AuditVerifier],
})
export class AuditModule {}
