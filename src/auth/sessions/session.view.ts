import { ApiProperty } from '../../http/openapi-declarations.js';
import { PageOf } from '../../common/page.view.js';
import type { Session } from './session.entity.js';

/** One of the caller's live sessions as GET /api/v1/auth/sessions shows it (docs/http-contract.md#auth). */
export class SessionView {
  @ApiProperty({ format: 'uuid' })
  id: string;
  /** The login that started the session. */
  @ApiProperty({ format: 'date-time' })
  createdAt: string;
  /** The last login or refresh (access-token use is not recorded: docs/account-lifecycle.md#sessions). */
  @ApiProperty({ format: 'date-time' })
  lastUsedAt: string;
  /** When the session ends at the latest (SESSION_ABSOLUTE_TTL), refreshed or not. */
  @ApiProperty({ format: 'date-time' })
  expiresAt: string;
  /** Client address at the last use; null when it was not an IP address. */
  @ApiProperty({ type: 'string', nullable: true })
  ipAddress: string | null;
  /** User-Agent at the last use, bounded and escaped; null when none was sent. */
  @ApiProperty({ type: 'string', nullable: true, maxLength: 256 })
  userAgent: string | null;
  /** True for the session of the access token making this request. */
  @ApiProperty()
  current: boolean;
}

export function toSessionView(session: Session, deadline: Date, currentSessionId: string): SessionView {
  return {
    id: session.id,
    createdAt: session.createdAt.toISOString(),
    lastUsedAt: session.lastUsedAt.toISOString(),
    expiresAt: deadline.toISOString(),
    ipAddress: session.lastIp,
    userAgent: session.lastUserAgent,
    current: session.id === currentSessionId,
  };
}

/** One page of the caller's live sessions. */
export class SessionPage extends PageOf(SessionView) {}
