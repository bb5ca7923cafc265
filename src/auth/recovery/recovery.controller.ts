import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOperation, ApiTags } from '../../http/openapi-declarations.js';
import type { Request } from 'express';
import { Public } from '../../access/access.decorators.js';
import { Audited } from '../../access/audited.decorator.js';
import { ApiProblems } from '../../http/api-problems.decorator.js';
import { clientOf } from '../../http/client-context.js';
import { AuthRateLimit } from '../../rate-limit/auth-rate-limit.decorator.js';
import { EmailRequestDto } from './dto/email-request.dto.js';
import { OneTimeTokenDto } from './dto/one-time-token.dto.js';
import { PasswordResetConfirmDto } from './dto/password-reset-confirm.dto.js';
import { EmailVerificationService } from './email-verification.service.js';
import { PasswordResetService } from './password-reset.service.js';

/**
 * Account recovery and email verification routes of docs/http-contract.md#auth. All public
 * (the caller has no session: that is the point), all under the `auth` per-address throttler,
 * and the two that send mail under their own budgets too (src/rate-limit/mail-request-throttle.ts).
 */
@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class RecoveryController {
  constructor(
    private readonly reset: PasswordResetService,
    private readonly verification: EmailVerificationService,
  ) {}

  @Audited('auth.password.reset.request')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Mail a password reset link (the same answer whether the email has an account or not)' })
  @ApiAcceptedResponse({ description: 'Accepted; a link is mailed if the email has an account.' })
  // 404: password reset is not enabled on this service.
  @ApiProblems(404)
  @Post('password-reset/request')
  @HttpCode(202)
  async requestReset(@Body() body: EmailRequestDto, @Req() req: Request): Promise<void> {
    await this.reset.request(body.email, clientOf(req), req.res!);
  }

  @Audited('auth.password.reset.confirm')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Set a new password with the token from a reset link (ends every session)' })
  @ApiNoContentResponse()
  // 404: password reset is not enabled on this service. 400 also for a missing or wrong second factor.
  @ApiProblems(404)
  @Post('password-reset/confirm')
  @HttpCode(204)
  async confirmReset(@Body() body: PasswordResetConfirmDto, @Req() req: Request): Promise<void> {
    await this.reset.confirm(body.token, body.newPassword, { code: body.code, recoveryCode: body.recoveryCode }, clientOf(req));
  }

  @Audited('auth.email.verify')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Verify the account’s email with the token from a verification link' })
  @ApiNoContentResponse()
  @Post('verify-email')
  @HttpCode(204)
  async verifyEmail(@Body() body: OneTimeTokenDto, @Req() req: Request): Promise<void> {
    await this.verification.verify(body.token, clientOf(req));
  }

  @Audited('auth.email.verify.resend')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Mail a new verification link (the same answer whether the email has an account or not)' })
  @ApiAcceptedResponse({ description: 'Accepted; a link is mailed if the email has an unverified account.' })
  // 404: this service cannot send mail.
  @ApiProblems(404)
  @Post('verify-email/resend')
  @HttpCode(202)
  async resendVerification(@Body() body: EmailRequestDto, @Req() req: Request): Promise<void> {
    await this.verification.resend(body.email, clientOf(req), req.res!);
  }
}
