import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { Roles, Scopes } from '../access/access.decorators.js';
import type { Page } from '../common/pagination.query.js';
import { AuditEventPage, type AuditEventView } from './audit-event-view.js';
import { ChainVerificationView } from './chain-verification.view.js';
import { AuditEventsService } from './audit-events.service.js';
import { AuditVerifier, type ChainVerification } from './audit-verifier.js';
import { Audited } from '../access/audited.decorator.js';
import { AuditEventsQuery } from './dto/audit-events.query.js';

/** The audit trail for auditors and admins, or keys with `audit:read` (docs/http-contract.md#audit-events). */
@ApiTags('audit')
@Roles('auditor', 'admin')
@Scopes('audit:read')
@Controller({ path: 'audit-events', version: '1' })
export class AuditEventsController {
  constructor(
    private readonly events: AuditEventsService,
    private readonly verifier: AuditVerifier,
  ) {}

  @Audited('audit.search')
  @ApiOperation({ summary: 'Search the audit trail' })
  @ApiOkResponse({ type: AuditEventPage })
  @Get()
  find(@Query() query: AuditEventsQuery): Promise<Page<AuditEventView>> {
    return this.events.find(query);
  }

  @Audited('audit.verify')
  @ApiOperation({ summary: 'Verify the audit trail’s hash chain' })
  @ApiOkResponse({ type: ChainVerificationView })
  @Get('verify')
  verify(): Promise<ChainVerification> {
    return this.verifier.verify();
  }
}
