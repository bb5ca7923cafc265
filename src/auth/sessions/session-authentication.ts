import type { AuthenticationMethod, SessionAuthentication } from '../tokens/access-token.service.js';
import type { Session } from './session.entity.js';

const METHODS: readonly AuthenticationMethod[] = ['pwd', 'otp'];

/** A password login, now. */
export function passwordAuthentication(now = new Date()): SessionAuthentication {
  return { amr: ['pwd'], authTime: Math.floor(now.getTime() / 1000) };
}

/** A password and a second factor, now. */
export function multiFactorAuthentication(now = new Date()): SessionAuthentication {
  return { amr: ['pwd', 'otp'], authTime: Math.floor(now.getTime() / 1000) };
}

/** The session columns for an authentication (`amr` as space-separated values). */
export function authenticationColumns(authentication: SessionAuthentication): Pick<Session, 'amr' | 'authTime'> {
  return { amr: authentication.amr.join(' '), authTime: new Date(authentication.authTime * 1000) };
}

/**
 * How the session's user last authenticated. A session from before these columns existed reads as
 * a password login when it started: it never counts as a second factor, nor as recent.
 */
export function authenticationOf(session: Pick<Session, 'amr' | 'authTime' | 'createdAt'>): SessionAuthentication {
  const amr = (session.amr ?? 'pwd').split(' ').filter((m): m is AuthenticationMethod => METHODS.includes(m as never));
  const at = session.authTime ?? session.createdAt;
  return { amr: amr.length > 0 ? amr : ['pwd'], authTime: Math.floor(at.getTime() / 1000) };
}
