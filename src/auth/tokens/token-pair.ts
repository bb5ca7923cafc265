import type { TokenPairView } from '../dto/token-pair.view.js';
import type { AccessTokenService, SessionAuthentication } from './access-token.service.js';

/** An access token for the session, with the session's refresh token: what login, refresh and re-authentication answer. */
export function tokenPairOf(
  tokens: AccessTokenService,
  user: { readonly id: string; readonly tokenVersion: number },
  session: {
    readonly id: string;
    readonly refreshToken: string;
    readonly authentication: SessionAuthentication;
    /** The DPoP key the session is bound to (RFC 9449), null for Bearer tokens. */
    readonly dpopJkt: string | null;
    /** The session's absolute deadline (SESSION_ABSOLUTE_TTL): the access token does not outlive it. */
    readonly expiresAt: Date;
  },
): TokenPairView {
  const { token, expiresIn } = tokens.issue({
    userId: user.id,
    sessionId: session.id,
    tokenVersion: user.tokenVersion,
    authentication: session.authentication,
    dpopJkt: session.dpopJkt,
    notAfter: session.expiresAt,
  });
  const tokenType = session.dpopJkt === null ? 'Bearer' : 'DPoP';
  return { accessToken: token, refreshToken: session.refreshToken, tokenType, expiresIn };
}
