/**
 * Security-relevant events the application detects (ASVS 16.3 security events). This is the
 * port: the persisting implementation (persisting-security-events.ts) is bound to this token,
 * so nothing that records events depends on how they are kept. Extend the union as new
 * detectors appear (docs/rate-limiting-and-detection.md lists them).
 */
export type SecurityEventType =
  | 'decryption_failure'
  | 'account_locked'
  | 'refresh_token_reuse'
  | 'suspicious_response_burst'
  | 'repeated_login_failures'
  | 'injection_attempt'
  | 'client_blocked'
  | 'password_changed'
  | 'account_role_changed'
  | 'account_status_changed'
  | 'admin_account_takeover'
  | 'password_reset'
  | 'password_reset_burst'
  | 'mail_request_burst';

/**
 * Flat, non-sensitive facts only: never plaintext, ciphertext, tokens or passwords. `ip` and
 * `actorId` (or `userId`) become the event's own fields when it is stored.
 */
export type SecurityEventDetails = Readonly<Record<string, string | number | boolean | null | undefined>>;

/** Injection token and contract (an abstract class, so it survives type erasure). */
export abstract class SecurityEvents {
  /** Fire-and-forget: implementations handle their own failures and never throw to the caller. */
  abstract record(type: SecurityEventType, details: SecurityEventDetails): void;

  /**
   * Log line and metric of an event whose row was already stored with the transaction of the
   * change it belongs to (src/auth/sessions/security-change.ts). Optional: an implementation that
   * keeps no rows leaves it out, and the event is then simply recorded.
   */
  announceStored?(type: SecurityEventType, details: SecurityEventDetails): void;
}
