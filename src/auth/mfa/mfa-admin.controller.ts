import { Controller, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Audited } from '../../access/audited.decorator.js';
import { uuidParam } from '../../common/uuid-param.pipe.js';
import { Roles, StepUp } from '../../access/access.decorators.js';
import { CurrentUser } from '../../access/current-principal.decorator.js';
import type { UserPrincipal } from '../../access/principal.js';
import { TotpEnrolment } from './totp-enrolment.service.js';

/** An admin's reset of a user's second factor (docs/http-contract.md#multi-factor-authentication-and-step-up). */
@ApiTags('users')
@ApiBearerAuth()
@Controller({ path: 'users', version: '1' })
export class MfaAdminController {
  constructor(private readonly enrolment: TotpEnrolment) {}

  @Audited('user.mfa.reset')
  @Roles('admin')
  @StepUp()
  @Delete(':id/mfa')
  @HttpCode(204)
  async reset(@CurrentUser() actor: UserPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.enrolment.adminReset(actor, id);
  }
}
