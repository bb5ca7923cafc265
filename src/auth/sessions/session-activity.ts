import { isIP } from 'node:net';
import { safeText } from '../../audit/audit-text.js';
import { requestOfClient, type ClientContext } from '../../http/client-context.js';

/** Longer user agents are cut: enough to tell browsers and devices apart, too short to smuggle data. */
export const MAX_USER_AGENT_LENGTH = 256;

/** What a session remembers of the client at its last login or refresh (docs/data-protection.md). */
export interface SessionActivity {
  readonly lastUsedAt: Date;
  readonly lastIp: string | null;
  readonly lastUserAgent: string | null;
}

/**
 * The minimum a user needs to recognise a session in their list: the address and user agent,
 * nothing else of the request. Both come from the client and are hostile until proven otherwise:
 * - the address is kept only if it is an IP address (behind a trusted proxy it is read from
 *   X-Forwarded-For, which may carry anything);
 * - the user agent is cut to MAX_USER_AGENT_LENGTH and its control characters and lone
 *   surrogates escaped as visible text (PostgreSQL refuses NUL; controls would forge lines in a
 *   viewer), the same rule as the audit trail's.
 */
export function activityOf(client: ClientContext | undefined, now = new Date()): SessionActivity {
  const ip = client?.ip;
  const header = client === undefined ? undefined : requestOfClient(client)?.headers['user-agent'];
  const userAgent = typeof header === 'string' ? header.trim() : '';
  return {
    lastUsedAt: now,
    lastIp: ip !== undefined && isIP(ip) !== 0 ? ip : null,
    lastUserAgent: userAgent === '' ? null : safeText(userAgent, MAX_USER_AGENT_LENGTH),
  };
}
