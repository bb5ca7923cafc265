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
import { MfaAdminController } from './mfa/mfa-admin.controller.js';
import { MfaLogin } from './mfa/mfa-login.service.js';
import { MfaPolicyGuard } from './mfa/mfa-policy.guard.js';
import { MfaController } from './mfa/mfa.controller.js';
import { Reauthentication } from './mfa/reauthentication.service.js';
import { SecondFactor } from './mfa/second-factor.service.js';
import { StepUpCheck } from './mfa/step-up.js';
import { TotpEnrolment } from './mfa/totp-enrolment.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
import { EmailVerificationService } from './recovery/email-verification.service.js';
import { OneTimeTokens } from './recovery/one-time-tokens.js';
import { PasswordResetService } from './recovery/password-reset.service.js';
import { RecoveryController } from './recovery/recovery.controller.js';
import { RevocationSync } from './sessions/revocation-sync.js';
import { SecurityChanges } from './sessions/security-change.js';
import { SessionDataRetention } from './sessions/session-data-retention.js';
import { SessionLimit } from './sessions/session-limit.js';
import { SessionManagement } from './sessions/session-management.service.js';
import { SessionsController } from './sessions/sessions.controller.js';
import { SessionsService } from './sessions/sessions.service.js';
import { AccessTokenService } from './tokens/access-token.service.js';
import { AuthorizationServerMetadataController } from './tokens/authorization-server-metadata.controller.js';
import { BearerTokenAuthenticator } from './tokens/bearer-token.authenticator.js';
import { JwksController } from './tokens/jwks.controller.js';
import { JwtKeySet } from './tokens/jwt-key-set.js';
import { JwtStrategy } from './tokens/jwt.strategy.js';
import { TokenRevocations } from './tokens/token-revocations.js';

/**
 * Identity: passwords, tokens, sessions, login, second factors. Its bearer-token authenticator registers with the
 * authentication guard (src/access/credential-authenticator.ts); the guards themselves are placed
 * by src/request-pipeline.ts, among them this module's MFA requirement and step-up guard (src/auth/mfa/).
 * Account recovery by email (password reset, email verification) lives in src/auth/recovery/.
 */
@Module({
  imports: [PassportModule, UsersModule, DpopModule, MailModule],
  controllers: [
    AuthController,
    MfaController,
    MfaAdminController,
    SessionsController,
    RecoveryController,
    JwksController,
    AuthorizationServerMetadataController,
  ],
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
    SecondFactor,
    MfaLogin,
    TotpEnrolment,
    Reauthentication,
    AdminProvisioner,
    OneTimeTokens,
    MailRequestThrottle,
    PasswordResetService,
    EmailVerificationService,
    MfaPolicyGuard,
    StepUpCheck,
  ],
  exports: [
    SecondFactor,
    MfaPolicyGuard,
    SessionsService,
    SessionManagement,
    SecurityChanges,
    PasswordHasher,
    AdminProvisioner,
    UsersModule,
  ],
})
export class AuthModule {}
