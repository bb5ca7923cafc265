import { Body, Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Audited } from '../../access/audited.decorator.js';
import { clientOf } from '../../http/client-context.js';
import { AuthRateLimit } from '../../rate-limit/auth-rate-limit.decorator.js';
import { Authenticated, MfaEnrolment, Public, StepUp } from '../../access/access.decorators.js';
import { CurrentUser } from '../../access/current-principal.decorator.js';
import type { UserPrincipal } from '../../access/principal.js';
import type { TokenPairView } from '../dto/token-pair.view.js';
import type { RecoveryCodesView, TotpSetupView } from './dto/mfa-views.js';
import { MfaVerifyDto } from './dto/mfa-verify.dto.js';
import { ReauthenticateDto } from './dto/reauthenticate.dto.js';
import { SecondFactorProofDto } from './dto/second-factor-proof.dto.js';
import { TotpCodeDto } from './dto/totp-code.dto.js';
import { TotpEnrolment } from './totp-enrolment.service.js';
import { MfaLogin } from './mfa-login.service.js';
import { Reauthentication } from './reauthentication.service.js';

/** Second factor and step-up routes (docs/http-contract.md#multi-factor-authentication-and-step-up). */
@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class MfaController {
  constructor(
    private readonly enrolment: TotpEnrolment,
    private readonly mfaLogin: MfaLogin,
    private readonly reauthentication: Reauthentication,
  ) {}

  @Audited('auth.mfa.setup')
  @Authenticated()
  @MfaEnrolment()
  @StepUp()
  @ApiBearerAuth()
  @Post('mfa/totp/setup')
  @HttpCode(200)
  setup(@CurrentUser() principal: UserPrincipal): Promise<TotpSetupView> {
    return this.enrolment.setup(principal);
  }

  @Audited('auth.mfa.confirm')
  @Authenticated()
  @MfaEnrolment()
  @ApiBearerAuth()
  @Post('mfa/totp/confirm')
  @HttpCode(200)
  confirm(@CurrentUser() principal: UserPrincipal, @Body() body: TotpCodeDto): Promise<RecoveryCodesView> {
    return this.enrolment.confirm(principal, body.code);
  }

  @Audited('auth.mfa.disable')
  @Authenticated()
  @StepUp()
  @ApiBearerAuth()
  @Delete('mfa/totp')
  @HttpCode(204)
  async disable(@CurrentUser() principal: UserPrincipal, @Body() body: SecondFactorProofDto, @Req() req: Request): Promise<void> {
    await this.enrolment.disable(principal, body, clientOf(req));
  }

  @Audited('auth.mfa.verify')
  @Public()
  @AuthRateLimit()
  @Post('mfa/verify')
  @HttpCode(200)
  verify(@Body() body: MfaVerifyDto, @Req() req: Request): Promise<TokenPairView> {
    return this.mfaLogin.verify(body.mfaToken, body, clientOf(req));
  }

  @Audited('auth.reauthenticate')
  @Authenticated()
  @MfaEnrolment()
  @AuthRateLimit()
  @ApiBearerAuth()
  @Post('reauthenticate')
  @HttpCode(200)
  reauthenticate(
    @CurrentUser() principal: UserPrincipal,
    @Body() body: ReauthenticateDto,
    @Req() req: Request,
  ): Promise<TokenPairView> {
    return this.reauthentication.reauthenticate(principal, body.password, body, clientOf(req));
  }
}
