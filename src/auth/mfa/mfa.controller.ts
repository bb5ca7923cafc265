import { Body, Controller, Delete, HttpCode, Post, Req } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '../../http/openapi-declarations.js';
import type { Request } from 'express';
import { Audited } from '../../access/audited.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { clientOf } from '../../http/client-context.js';
import { AuthRateLimit } from '../../rate-limit/auth-rate-limit.decorator.js';
import { Authenticated, MfaEnrolment, Public, StepUp } from '../../access/access.decorators.js';
import { CurrentUser } from '../../access/current-principal.decorator.js';
import type { UserPrincipal } from '../../access/principal.js';
import { TokenRequestBinding } from '../../dpop/token-request-binding.js';
import { TokenPairView } from '../dto/token-pair.view.js';
import { RecoveryCodesView, TotpSetupView } from './dto/mfa-views.js';
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
    private readonly dpop: TokenRequestBinding,
  ) {}

  @Audited('auth.mfa.setup')
  @Authenticated()
  @MfaEnrolment()
  @StepUp()
  @ApiOperation({ summary: 'Start TOTP enrolment: a new secret, not active until confirmed' })
  @ApiOkResponse({ type: TotpSetupView })
  @ApiProblems(409)
  @Post('mfa/totp/setup')
  @HttpCode(200)
  setup(@CurrentUser() principal: UserPrincipal): Promise<TotpSetupView> {
    return this.enrolment.setup(principal);
  }

  @Audited('auth.mfa.confirm')
  @Authenticated()
  @MfaEnrolment()
  @StepUp()
  @ApiOperation({ summary: 'Turn TOTP on with a first code; answers the recovery codes, once' })
  @ApiOkResponse({ type: RecoveryCodesView })
  @ApiProblems(409)
  @Post('mfa/totp/confirm')
  @HttpCode(200)
  confirm(@CurrentUser() principal: UserPrincipal, @Body() body: TotpCodeDto): Promise<RecoveryCodesView> {
    return this.enrolment.confirm(principal, body.code);
  }

  @Audited('auth.mfa.disable')
  @Authenticated()
  @StepUp()
  @ApiOperation({ summary: 'Turn TOTP off (takes a code or a recovery code)' })
  @ApiNoContentResponse()
  @ApiProblems(409)
  @Delete('mfa/totp')
  @HttpCode(204)
  async disable(@CurrentUser() principal: UserPrincipal, @Body() body: SecondFactorProofDto, @Req() req: Request): Promise<void> {
    await this.enrolment.disable(principal, body, clientOf(req));
  }

  @Audited('auth.mfa.verify')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Second login step: trade the mfaToken and a code for an access and a refresh token' })
  @ApiOkResponse({ type: TokenPairView })
  @ApiProblems(401)
  @Post('mfa/verify')
  @HttpCode(200)
  async verify(@Body() body: MfaVerifyDto, @Req() req: Request): Promise<TokenPairView> {
    // This step issues the tokens, so a DPoP proof (RFC 9449) sent here binds them, as at login; checked before the code.
    const dpopJkt = await this.dpop.keyOf(req);
    return this.mfaLogin.verify(body.mfaToken, body, clientOf(req), dpopJkt);
  }

  @Audited('auth.reauthenticate')
  @Authenticated()
  @MfaEnrolment()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Prove the password (and code) again: a fresh token pair for the same session' })
  @ApiOkResponse({ type: TokenPairView })
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
