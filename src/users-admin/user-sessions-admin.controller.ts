import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { Audited } from '../access/audited.decorator.js';
import { Roles, StepUp } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-principal.decorator.js';
import type { UserPrincipal } from '../access/principal.js';
import { SessionManagement } from '../auth/sessions/session-management.service.js';
import { uuidParam } from '../common/uuid-param.pipe.js';

/** An admin logs a user out everywhere (docs/http-contract.md#users): every session, at once, on every instance. */
@ApiTags('users')
@Roles('admin')
@Controller({ path: 'users', version: '1' })
export class UserSessionsAdminController {
  constructor(private readonly sessions: SessionManagement) {}

  @Audited('user.sessions.end')
  // Like every other admin change to an account: a recent (and, with MFA, strong) authentication.
  @StepUp()
  @ApiOperation({ summary: 'End every session of an account' })
  @ApiNoContentResponse({ description: 'Every session ended: the account’s tokens are refused at once' })
  @Delete(':id/sessions')
  @HttpCode(204)
  async endAll(@CurrentUser() actor: UserPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.sessions.endAllOf(actor, id);
  }
}
