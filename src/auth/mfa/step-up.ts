import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ProblemException } from '../../http/problem.exception.js';
import type { ExternalUserPrincipal, UserPrincipal } from '../../access/principal.js';
import { SecondFactor } from './second-factor.service.js';

/**
 * Step-up (ASVS 7.5.1, 7.5.3; RFC 9470): `auth_time` within STEP_UP_MAX_AGE and, when the user has
 * a second factor, `otp` in `amr`; else a 401 with `WWW-Authenticate: Bearer
 * error="insufficient_user_authentication"` naming the max age, and the way back is POST
 * /api/v1/auth/reauthenticate. Applied to whole routes by @StepUpCheck() (mfa-policy.guard.ts), and
 * called directly where only part of a route is sensitive (ending a session other than the
 * caller's own, src/auth/sessions/sessions.controller.ts).
 */
@Injectable()
export class StepUpCheck {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secondFactor: SecondFactor,
  ) {}

  async require(principal: UserPrincipal): Promise<void> {
    const maxAge = this.config.mfa.stepUpMaxAgeSeconds;
    const age = Math.floor(Date.now() / 1000) - principal.authTime;
    const needsFactor = !principal.amr.includes('otp') && (await this.secondFactor.isEnabled(principal.userId));
    if (age <= maxAge && !needsFactor) return;
    const what = needsFactor ? 'with your second factor' : `within the last ${maxAge} seconds`;
    throw insufficientAuthentication(
      maxAge,
      `This action needs a recent authentication ${what}: POST /api/v1/auth/reauthenticate, then retry with the new token.`,
    );
  }

  /**
   * A provider account signed in at the provider: its token's `auth_time` must be within
   * STEP_UP_MAX_AGE. A token without one cannot show a recent sign-in and is refused; the client
   * signs in again at the provider with `max_age` (the challenge carries it, RFC 9470 §3).
   */
  requireAtProvider(principal: ExternalUserPrincipal): void {
    const maxAge = this.config.mfa.stepUpMaxAgeSeconds;
    if (principal.authTime !== undefined && Math.floor(Date.now() / 1000) - principal.authTime <= maxAge) return;
    throw insufficientAuthentication(
      maxAge,
      `This action needs a sign-in at the identity provider within the last ${maxAge} seconds: sign in there again, then retry with the new token.`,
    );
  }
}

function insufficientAuthentication(maxAge: number, detail: string): ProblemException {
  return new ProblemException(401, {
    detail,
    headers: {
      'WWW-Authenticate':
        'Bearer realm="api", error="insufficient_user_authentication", ' +
        `error_description="A recent authentication is required", max_age=${maxAge}`,
    },
  });
}
