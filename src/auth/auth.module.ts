import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { MailModule } from '../mail/mail.module.js';
import { MailRequestThrottle } from '../rate-limit/mail-request-throttle.js';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { DpopModule } from '../dpop/dpop.module.js';
import { AdminProvisioner } from './bootstrap-admin.service.js';
import { LoginLockout } from './login-lockout.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { EmailVerificationService } from './recovery/email-verification.service.js';
import { OneTimeTokens } from './recovery/one-time-tokens.js';
import { PasswordResetService } from './recovery/password-reset.service.js';
import { RecoveryController } from './recovery/recovery.controller.js';
import { RevocationSync } from './sessions/revocation-sync.js';
import { SecurityChanges } from './sessions/security-change.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { AuthorizationServerMetadataController } from './tokens/authorization-server-metadata.controller.js';
import { BearerTokenAuthenticator } from './tokens/bearer-token.authenticator.js';
import { JwksController } from './tokens/jwks.controller.js';
import { JwtKeySet } from './tokens/jwt-key-set.js';
import { JwtStrategy } from './tokens/jwt.strategy.js';
import { TokenRevocations } from './tokens/token-revocations.js';

/**
 * Identity: passwords, tokens, sessions, login, and account recovery by email (password reset,
 * email verification). Its bearer-token authenticator registers with the authentication guard
 * (src/access/credential-authenticator.ts); the guards themselves are placed by
 * src/request-pipeline.ts.
 */
@Module({
  imports: [PassportModule, UsersModule, DpopModule, MailModule],
  controllers: [AuthController, JwksController, AuthorizationServerMetadataController, RecoveryController],
  providers: [
    JwtKeySet,
    AccessTokenService,
    JwtStrategy,
    BearerTokenAuthenticator,
    TokenRevocations,
    PasswordHasher,
    RevocationSync,
    SecurityChanges,
    SessionsService,
    LoginLockout,
    AuthService,
    AdminProvisioner,
    OneTimeTokens,
    MailRequestThrottle,
    PasswordResetService,
    EmailVerificationService,
  ],
  exports: [SessionsService, SecurityChanges, PasswordHasher, AdminProvisioner, UsersModule],
})
export class AuthModule {}
