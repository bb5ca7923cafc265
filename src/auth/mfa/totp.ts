import { Secret, TOTP } from 'otpauth';

/**
 * TOTP (RFC 6238) through the `otpauth` library, with the parameters every authenticator app
 * understands: HMAC-SHA-1, six digits, 30-second steps, and a 160-bit secret (RFC 4226 §4) drawn
 * from the CSPRNG (ASVS 6.5.3). One step either side is accepted for clock drift (RFC 6238 §5.2).
 * Time is the server's own clock, never the client's (ASVS 6.5.8).
 */
const PARAMETERS = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const WINDOW = 1;

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The `otpauth://totp/...` URI an authenticator app reads (usually from a QR code). */
export function totpUri(secret: string, issuer: string, account: string): string {
  return new TOTP({ ...PARAMETERS, issuer, label: account, secret: Secret.fromBase32(secret) }).toString();
}

/**
 * The time step whose code `code` is, within the drift window, or null. The caller accepts it
 * only if the step is later than the last one accepted (replay refusal, second-factor.service.ts).
 */
export function matchingStep(secret: string, code: string, now = Date.now()): number | null {
  if (!/^[0-9]{6}$/.test(code)) return null;
  const delta = TOTP.validate({ ...PARAMETERS, token: code, secret: Secret.fromBase32(secret), timestamp: now, window: WINDOW });
  return delta === null ? null : TOTP.counter({ period: PARAMETERS.period, timestamp: now }) + delta;
}
