import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { AdminProvisioner } from './bootstrap-admin.service.js';
import { LoginLockout } from './login-lockout.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { RevocationSync } from './sessions/revocation-sync.js';
import { SecurityChanges } from './sessions/security-change.js';
import { SessionDataRetention } from './sessions/session-data-retention.js';
import { SessionLimit } from './sessions/session-limit.js';
import { SessionManagement } from './sessions/session-management.service.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { BearerTokenAuthenticator } from './tokens/bearer-token.authenticator.js';
import { JwksController } from './tokens/jwks.controller.js';
import { JwtKeySet } from './tokens/jwt-key-set.js';
import { JwtStrategy } from './tokens/jwt.strategy.js';
import { TokenRevocations } from './tokens/token-revocations.js';

/**
 * Identity: passwords, tokens, sessions, login. Its bearer-token authenticator registers with the
 * authentication guard (src/access/credential-authenticator.ts); the guards themselves are placed
 * by src/request-pipeline.ts.
 */
@Module({
  imports: [PassportModule, UsersModule],
  controllers: [AuthController, JwksController, SessionsController],
  providers: [
    JwtKeySet,
    AccessTokenService,
    JwtStrategy,
    BearerTokenAuthenticator,
    TokenRevocations,
    PasswordHasher,
    RevocationSync,
    SecurityChanges,
    SessionLimit,
    SessionDataRetention,
    SessionsService,
    SessionManagement,
    LoginLockout,
    AuthService,
    AdminProvisioner,
  ],
  exports: [SessionsService, SessionManagement, SecurityChanges, PasswordHasher, AdminProvisioner, UsersModule],
})
export class AuthModule {}
