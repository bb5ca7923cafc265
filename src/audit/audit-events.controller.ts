import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { Roles, Scopes } from '../access/access.decorators.js';
import type { Page } from '../common/pagination.query.js';
import type { AuditEventView } from './audit-event-view.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditVerifier, type ChainVerification } from './audit-verifier.js';
import { Audited } from '../access/audited.decorator.js';
import { AuditEventsQuery } from './dto/audit-events.query.js';

/** The audit trail for auditors and admins, or keys with `audit:read` (docs/http-contract.md#audit-events). */
@ApiTags('audit')
@ApiBearerAuth()
@ApiSecurity('apiKey')
@Roles('auditor', 'admin')
@Scopes('audit:read')
@Controller({ path: 'audit-events', version: '1' })
export class AuditEventsController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Audited('audit.search')
  @Get()
  find(@Query() query: AuditEventsQuery): Promise<Page<AuditEventView>> {
    return this.events.find(query);
  }

  @Audited('audit.verify')
  @Get('verify')
  verify(): Promise<ChainVerification> {
    return this.verifier.verify();
  }
}
