import { ApiProperty } from '../../../http/openapi-declarations.js';

/** POST /auth/mfa/totp/setup: the secret to put in an authenticator app (not active until confirmed). */
export class TotpSetupView {
  @ApiProperty({ description: 'The TOTP secret, base32 (RFC 4648), for manual entry.' })
  secret: string;
  @ApiProperty({ description: 'The same secret as an `otpauth://totp/…` URI, for a QR code.' })
  otpauthUri: string;
}

/** POST /auth/mfa/totp/confirm: shown once, never again retrievable. */
export class RecoveryCodesView {
  @ApiProperty({ type: [String], description: 'Single-use codes, each replacing the app once. Shown only now.' })
  recoveryCodes: string[];
}

/** POST /auth/login for an account with a second factor: no token yet, only the second step's ticket. */
export class MfaChallengeView {
  @ApiProperty({ enum: [true], description: 'Always true: send `mfaToken` and a code to POST /api/v1/auth/mfa/verify.' })
  mfaRequired: true;
  @ApiProperty({ description: 'Single use, bound to this login attempt.' })
  mfaToken: string;
  @ApiProperty({ type: 'integer', description: 'Seconds until `mfaToken` expires.' })
  expiresIn: number;
}
