import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { DpopModule } from './dpop/dpop.module.js';
import { AdminProvisioner } from './bootstrap-admin.service.js';
import { LoginLockout } from './login-lockout.service.js';
import { PasswordHasher } from './passwords/password-hasher.service.js';
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
 * Identity: passwords, tokens, sessions, login. Its bearer-token authenticator registers with the
 * authentication guard (src/access/credential-authenticator.ts); the guards themselves are placed
 * by src/request-pipeline.ts.
 */
@Module({
  imports: [PassportModule, UsersModule, DpopModule],
  controllers: [AuthController, JwksController, AuthorizationServerMetadataController],
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
  ],
  exports: [SessionsService, SecurityChanges, PasswordHasher, AdminProvisioner, UsersModule],
})
export class AuthModule {}
