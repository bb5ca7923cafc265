/** POST /auth/mfa/totp/setup: the secret to put in an authenticator app (not active until confirmed). */
export interface TotpSetupView {
  secret: string;
  otpauthUri: string;
}

/** POST /auth/mfa/totp/confirm: shown once, never again retrievable. */
export interface RecoveryCodesView {
  recoveryCodes: string[];
}

/** POST /auth/login for an account with a second factor: no token yet, only the second step's ticket. */
export interface MfaChallengeView {
  mfaRequired: true;
  mfaToken: string;
  expiresIn: number;
}
