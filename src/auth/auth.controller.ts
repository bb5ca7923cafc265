import { Body, Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import { Audited } from '../access/audited.decorator.js';
import {
  ApiCreatedResponse,
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  getSchemaPath,
} from '../http/openapi-declarations.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import type { Request } from 'express';
import { clientOf } from '../http/client-context.js';
import { AuthRateLimit } from '../rate-limit/auth-rate-limit.decorator.js';
import { UserView } from '../users/user-view.js';
import { Authenticated, MfaEnrolment, Public, StepUp } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-principal.decorator.js';
import type { UserPrincipal } from '../access/principal.js';
import { AuthService } from './auth.service.js';
import { EmailVerificationService } from './recovery/email-verification.service.js';
import { TokenRequestBinding } from '../dpop/token-request-binding.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LogoutDto } from './dto/logout.dto.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import { TokenPairView } from './dto/token-pair.view.js';
import { MfaChallengeView } from './mfa/dto/mfa-views.js';
import { UpdateMeDto } from './dto/update-me.dto.js';

/** Identity routes of docs/http-contract.md#auth. */
@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly dpop: TokenRequestBinding,
    private readonly verification: EmailVerificationService,
  ) {}

  @Audited('auth.register', 'response')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Create an account (role user)' })
  @ApiCreatedResponse({ type: UserView })
  @ApiProblems(409)
  @Post('register')
  async register(@Body() body: RegisterDto, @Req() req: Request): Promise<UserView> {
    const user = await this.auth.register(body);
    // The verification link goes out after the response, hence after the account committed.
    this.verification.afterRegistration(req.res!, user.id);
    return user;
  }

  @Audited('auth.login')
  @Public()
  @AuthRateLimit()
  @ApiOperation({
    summary: 'Exchange email and password for an access and a refresh token (or, with MFA on, for an mfaToken)',
  })
  @ApiExtraModels(TokenPairView, MfaChallengeView)
  // With a second factor on, the answer is the challenge of the second step, not tokens.
  @ApiOkResponse({ schema: { oneOf: [{ $ref: getSchemaPath(TokenPairView) }, { $ref: getSchemaPath(MfaChallengeView) }] } })
  // 403: REQUIRE_EMAIL_VERIFICATION and the account's email is not verified yet.
  @ApiProblems(401, 403)
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto, @Req() req: Request): Promise<TokenPairView | MfaChallengeView> {
    // A DPoP proof (RFC 9449) binds the tokens to the client's key; checked before the password.
    const dpopJkt = await this.dpop.keyOf(req);
    return this.auth.login(body.email, body.password, clientOf(req), dpopJkt);
  }

  @Audited('auth.refresh')
  @Public()
  @AuthRateLimit()
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair (the old one is spent)' })
  @ApiOkResponse({ type: TokenPairView })
  @ApiProblems(401)
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Body() body: RefreshDto, @Req() req: Request): Promise<TokenPairView> {
    const dpopJkt = await this.dpop.keyOf(req);
    return this.auth.refresh(body.refreshToken, clientOf(req), dpopJkt);
  }

  @Audited('auth.logout')
  @Authenticated()
  @MfaEnrolment()
  @ApiOperation({ summary: 'End the session (and its refresh token)' })
  @ApiNoContentResponse()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() principal: UserPrincipal, @Body() body: LogoutDto): Promise<void> {
    await this.auth.logout(principal, body.refreshToken);
  }

  @Audited('auth.me')
  @Authenticated()
  @MfaEnrolment()
  @ApiOperation({ summary: 'The caller’s own account' })
  @ApiOkResponse({ type: UserView })
  @Get('me')
  me(@CurrentUser() principal: UserPrincipal): Promise<UserView> {
    return this.auth.me(principal);
  }

  @Audited('auth.me.update')
  @Authenticated()
  @ApiOperation({ summary: 'Change the caller’s display name' })
  @ApiOkResponse({ type: UserView })
  @Patch('me')
  updateMe(@CurrentUser() principal: UserPrincipal, @Body() body: UpdateMeDto): Promise<UserView> {
    return this.auth.updateMe(principal, body.displayName);
  }

  @Audited('auth.password.change')
  @Authenticated()
  @StepUp()
  @ApiOperation({ summary: 'Change the caller’s password (ends every other session)' })
  @ApiNoContentResponse()
  @ApiProblems(409)
  @Post('change-password')
  @HttpCode(204)
  async changePassword(
    @CurrentUser() principal: UserPrincipal,
    @Body() body: ChangePasswordDto,
    @Req() req: Request,
  ): Promise<void> {
    await this.auth.changePassword(principal, body.currentPassword, body.newPassword, clientOf(req));
  }
}
