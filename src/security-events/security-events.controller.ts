import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { Audited } from '../access/audited.decorator.js';
import { Roles, Scopes } from '../access/access.decorators.js';
import { PaginationQuery, type Page } from '../common/pagination.query.js';
import { SecurityEventPage, type SecurityEventView } from './security-event-view.js';
import { SecurityEventsService } from './security-events.service.js';

/**
 * Detected attacks (docs/http-contract.md#security-events), for auditors and admins, and API keys with `audit:read`
 * (whose owner must still hold one of those roles). They reveal client addresses and attack
 * patterns, so nobody else may read them (OWASP API5:2023).
 */
@ApiTags('security-events')
@Roles('auditor', 'admin')
@Scopes('audit:read')
@Controller({ path: 'security-events', version: '1' })
export class SecurityEventsController {
  constructor(private readonly events: SecurityEventsService) {}

  @Audited('security-event.list')
  @ApiOperation({ summary: 'List security events (lockouts, blocks, token reuse…)' })
  @ApiOkResponse({ type: SecurityEventPage })
  @Get()
  list(@Query() query: PaginationQuery): Promise<Page<SecurityEventView>> {
    return this.events.list(query.page, query.limit);
  }
}
