import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiTags } from '../../http/openapi-declarations.js';
import { Audited } from '../../access/audited.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { uuidParam } from '../../common/uuid-param.pipe.js';
import { Roles, StepUp } from '../../access/access.decorators.js';
import { CurrentUser } from '../../access/current-principal.decorator.js';
import type { UserPrincipal } from '../../access/principal.js';
import { TotpEnrolment } from './totp-enrolment.service.js';

/** An admin's reset of a user's second factor (docs/http-contract.md#multi-factor-authentication-and-step-up). */
@ApiTags('users')
@Controller({ path: 'users', version: '1' })
export class MfaAdminController {
  constructor(private readonly enrolment: TotpEnrolment) {}

  @Audited('user.mfa.reset')
  @Roles('admin')
  @StepUp()
  @ApiOperation({ summary: 'Remove a user’s second factor and end their sessions' })
  @ApiNoContentResponse()
  @ApiProblems(409)
  @Delete(':id/mfa')
  @HttpCode(204)
  async reset(@CurrentUser() actor: UserPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.enrolment.adminReset(actor, id);
  }
}
