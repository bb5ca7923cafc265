import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { UsersModule } from '../users/users.module.js';
import { AccessDeclarationVerifier } from './access/access-declaration.verifier.js';
import { AuthenticationGuard } from './access/authentication.guard.js';
import { AuthorizationGuard } from './access/authorization.guard.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AdminProvisioner } from './bootstrap-admin.service.js';
import { LoginLockout } from './login-lockout.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { RefreshToken } from './sessions/refresh-token.entity.js';
import { Session } from './sessions/session.entity.js';
import { RevocationSync } from './sessions/revocation-sync.js';
import { SecurityChanges } from './sessions/security-change.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { JwksController } from './tokens/jwks.controller.js';
import { JwtKeySet } from './tokens/jwt-key-set.js';
import { JwtStrategy } from './tokens/jwt.strategy.js';
import { TokenRevocations } from './tokens/token-revocations.js';

/**
 * Identity: accounts, passwords, tokens, sessions, and the global guards that make every route
 * deny by default. Guards run in the order listed: authentication, then authorization.
 */
@Module({
  imports: [
    DiscoveryModule,
    PassportModule,
    UsersModule,
    ApiKeysModule,
    OidcModule,
    TypeOrmModule.forFeature([Session, RefreshToken]),
  ],
  controllers: [AuthController, JwksController],
  providers: [
    JwtKeySet,
    AccessTokenService,
    JwtStrategy,
    TokenRevocations,
    PasswordHasher,
    RevocationSync,
    SecurityChanges,
    SessionsService,
    LoginLockout,
    AuthService,
    AdminProvisioner,
    AccessDeclarationVerifier,
    { provide: APP_GUARD, useClass: AuthenticationGuard },
    { provide: APP_GUARD, useClass: AuthorizationGuard },
  ],
  exports: [SessionsService, SecurityChanges, PasswordHasher, AdminProvisioner, UsersModule, AccessDeclarationVerifier],
})
export class AuthModule {}
