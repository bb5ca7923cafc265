import { Controller, Delete, Get, HttpCode, Param, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '../../http/openapi-declarations.js';
import { Audited } from '../../access/audited.decorator.js';
import { PaginationQuery, type Page } from '../../common/pagination.query.js';
import { uuidParam } from '../../common/uuid-param.pipe.js';
import { Authenticated } from '../../access/access.decorators.js';
import { CurrentUser } from '../../access/current-principal.decorator.js';
import type { UserPrincipal } from '../../access/principal.js';
import { StepUpCheck } from '../mfa/step-up.js';
import { SessionManagement } from './session-management.service.js';
import { SessionPage, type SessionView } from './session.view.js';

/**
 * The caller's own sessions (docs/http-contract.md#auth): a bearer access token only. An API key
 * is refused (403): a machine credential does not manage its owner's logins.
 */
@ApiTags('auth')
@Controller({ path: 'auth/sessions', version: '1' })
export class SessionsController {
  constructor(
    private readonly sessions: SessionManagement,
    private readonly stepUp: StepUpCheck,
  ) {}

  @Audited('auth.session.list')
  @ApiOperation({ summary: 'List the caller’s live sessions' })
  @ApiOkResponse({ type: SessionPage })
  @Authenticated()
  @Get()
  list(@CurrentUser() principal: UserPrincipal, @Query() query: PaginationQuery): Promise<Page<SessionView>> {
    return this.sessions.list(principal, query.page, query.limit);
  }

  @Audited('auth.session.end')
  @ApiOperation({ summary: 'End one of the caller’s sessions' })
  @ApiNoContentResponse({ description: 'Ended: its access and refresh tokens are refused at once' })
  @Authenticated()
  @Delete(':id')
  @HttpCode(204)
  async end(@CurrentUser() principal: UserPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    // Ending the current session is a logout; ending another one (a stolen token ending its owner's
    // other logins) takes a recent, strong authentication, checked before the id is looked up.
    if (id !== principal.sessionId) await this.stepUp.require(principal);
    await this.sessions.endOwn(principal, id);
  }
}
