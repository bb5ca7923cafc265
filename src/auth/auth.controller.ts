import { Body, Controller, Get, HttpCode, Patch, Post, Req } from '@nestjs/common';
import { Audited } from '../access/audited.decorator.js';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { clientOf } from '../http/client-context.js';
import { AuthRateLimit } from '../rate-limit/auth-rate-limit.decorator.js';
import type { UserView } from '../users/user-view.js';
import { Authenticated, Public } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-principal.decorator.js';
import type { UserPrincipal } from '../access/principal.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto } from './dto/change-password.dto.js';
import { LoginDto } from './dto/login.dto.js';
import { LogoutDto } from './dto/logout.dto.js';
import { RefreshDto } from './dto/refresh.dto.js';
import { RegisterDto } from './dto/register.dto.js';
import type { TokenPairView } from './dto/token-pair.view.js';
import { UpdateMeDto } from './dto/update-me.dto.js';

/** Identity routes of docs/http-contract.md#auth. */
@ApiTags('auth')
@Controller({ path: 'auth', version: '1' })
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Audited('auth.register', 'response')
  @Public()
  @AuthRateLimit()
  @Post('register')
  register(@Body() body: RegisterDto): Promise<UserView> {
    return this.auth.register(body);
  }

  @Audited('auth.login')
  @Public()
  @AuthRateLimit()
  @Post('login')
  @HttpCode(200)
  login(@Body() body: LoginDto, @Req() req: Request): Promise<TokenPairView> {
    return this.auth.login(body.email, body.password, clientOf(req));
  }

  @Audited('auth.refresh')
  @Public()
  @AuthRateLimit()
  @Post('refresh')
  @HttpCode(200)
  refresh(@Body() body: RefreshDto, @Req() req: Request): Promise<TokenPairView> {
    return this.auth.refresh(body.refreshToken, clientOf(req));
  }

  @Audited('auth.logout')
  @Authenticated()
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@CurrentUser() principal: UserPrincipal, @Body() body: LogoutDto): Promise<void> {
    await this.auth.logout(principal, body.refreshToken);
  }

  @Audited('auth.me')
  @Authenticated()
  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() principal: UserPrincipal): Promise<UserView> {
    return this.auth.me(principal);
  }

  @Audited('auth.me.update')
  @Authenticated()
  @ApiBearerAuth()
  @Patch('me')
  updateMe(@CurrentUser() principal: UserPrincipal, @Body() body: UpdateMeDto): Promise<UserView> {
    return this.auth.updateMe(principal, body.displayName);
  }

  @Audited('auth.password.change')
  @Authenticated()
  @ApiBearerAuth()
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
