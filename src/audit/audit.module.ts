import { Global, Module } from '@nestjs/common';
import { AuditEventsController } from './audit-events.controller.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditTrail } from '../http/audit-trail.js';
import { AuditInterceptor } from './audit.interceptor.js';
import { AuditRecorder } from './audit-recorder.js';
import { AuditStore } from './audit-store.js';
import { AuditVerifier } from './audit-verifier.js';
import { AuditWriter } from './audit-writer.js';

/**
 * The audit trail: the recorder behind the HTTP layer's AuditTrail port (the filter records through
 * it), the interceptor src/request-pipeline.ts places in the pipeline, the group-commit writer, the
 * chain, query and verify.
 */
@Global()
@Module({
  controllers: [AuditEventsController],
  providers: [
    AuditStore,
    AuditWriter,
    AuditRecorder,
    AuditVerifier,
    AuditEventsService,
    { provide: AuditTrail, useExisting: AuditRecorder },
    AuditInterceptor,
  ],
  exports: [AuditRecorder, AuditTrail, AuditInterceptor, AuditVerifier],
})
export class AuditModule {}
