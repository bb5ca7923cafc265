/**
 * Security-relevant events the application detects (ASVS 16.3 security events). This is the
 * port: today it only logs; the intrusion-detection feature binds a persisting implementation
 * to the same token and nothing that records events changes. Extend the union as new
 * detectors appear.
 */
export type SecurityEventType = 'decryption_failure' | 'account_locked' | 'refresh_token_reuse';

/** Flat, non-sensitive facts only: never plaintext, ciphertext, tokens or passwords. */
export type SecurityEventDetails = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Injection token and contract (an abstract class, so it survives type erasure). */
export abstract class SecurityEvents {
  /** Fire-and-forget: implementations handle their own failures and never throw to the caller. */
  abstract record(type: SecurityEventType, details: SecurityEventDetails): void;
}
