import { Secret } from 'otpauth';

export const RECOVERY_CODE_COUNT = 10;

/**
 * Recovery codes (lookup secrets): 120 random bits each (15 bytes from the CSPRNG, ASVS 6.5.3),
 * written as 24 base32 letters and digits in groups of four. 120 bits is above the 112 that
 * lets them be stored under a keyed fast hash instead of a password hash (ASVS 6.5.2).
 */
export function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () =>
    new Secret({ size: 15 }).base32.toLowerCase().match(/.{4}/g)!.join('-'),
  );
}

/** What is hashed: case, dashes and spaces do not matter when a user types a code back. */
export function normaliseRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[\s-]/g, '');
}
