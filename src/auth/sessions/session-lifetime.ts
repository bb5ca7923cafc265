import type { AppConfig } from '../../config/app-config.js';
import type { Session } from './session.entity.js';

/**
 * When a session ends at the latest, whatever its refreshes: the absolute expiry stored at login,
 * or login time plus the current SESSION_ABSOLUTE_TTL if that is earlier, so lowering the
 * setting also shortens sessions that already exist (ASVS 7.3.2).
 */
export function sessionDeadline(session: Pick<Session, 'createdAt' | 'absoluteExpiresAt'>, config: AppConfig): Date {
  const byConfig = session.createdAt.getTime() + config.sessions.absoluteTtlSeconds * 1000;
  return new Date(Math.min(session.absoluteExpiresAt.getTime(), byConfig));
}

/** A token's expiry: its own lifetime from now, never beyond the session's deadline. */
export function cappedExpiry(now: Date, lifetimeSeconds: number, deadline: Date): Date {
  return new Date(Math.min(now.getTime() + lifetimeSeconds * 1000, deadline.getTime()));
}
