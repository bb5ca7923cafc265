import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ProblemException } from '../../http/problem.exception.js';
import { MFA_ENROLMENT_KEY, STEP_UP_KEY } from '../../access/access.decorators.js';
import { principalOf, type UserPrincipal } from '../../access/principal.js';
import { SecondFactor } from './second-factor.service.js';

interface MfaRule {
  readonly stepUp: boolean;
  readonly enrolment: boolean;
}

/** Read once per route (like access-rule.ts), never per request. */
const rules = new WeakMap<Function, Map<Function, MfaRule>>();

/**
 * Runs after authentication and authorization (APP_GUARD), for bearer users only (API keys never
 * reach the routes concerned: enrolment and sensitive actions take a user's bearer token):
 * 1. MFA_REQUIRED_ROLES (ASVS 6.3.3): a user of such a role whose token has no `otp` in `amr` —
 *    they have no second factor yet — reaches only the routes marked @MfaEnrolment(); everything
 *    else is a 403 that says what to do. Their role is read fresh on every request (the strategy).
 * 2. @StepUp() routes (ASVS 7.5.1, 7.5.3): `auth_time` within STEP_UP_MAX_AGE and, when the user
 *    has a second factor, `otp` in `amr`; else 401 with `WWW-Authenticate: Bearer
 *    error="insufficient_user_authentication"` (RFC 9470) naming the max age, and the way back
 *    is POST /api/v1/auth/reauthenticate.
 */
@Injectable()
export class MfaPolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly secondFactor: SecondFactor,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal?.kind !== 'user') return true;
    const rule = this.ruleOf(context.getHandler(), context.getClass());
    const passedSecondFactor = principal.amr.includes('otp');
    if (!passedSecondFactor && !rule.enrolment && this.config.mfa.requiredRoles.includes(principal.role)) {
      throw new ProblemException(403, {
        detail:
          `Your role (${principal.role}) requires multi-factor authentication. Enrol a second factor ` +
          '(POST /api/v1/auth/mfa/totp/setup, then /confirm) and refresh your token, or log in with your code.',
      });
    }
    if (rule.stepUp) await this.requireRecentAuthentication(principal, passedSecondFactor);
    return true;
  }

  private async requireRecentAuthentication(principal: UserPrincipal, passedSecondFactor: boolean): Promise<void> {
    const maxAge = this.config.mfa.stepUpMaxAgeSeconds;
    const age = Math.floor(Date.now() / 1000) - principal.authTime;
    const needsFactor = !passedSecondFactor && (await this.secondFactor.isEnabled(principal.userId));
    if (age <= maxAge && !needsFactor) return;
    const what = needsFactor ? 'with your second factor' : `within the last ${maxAge} seconds`;
    throw new ProblemException(401, {
      detail: `This action needs a recent authentication ${what}: POST /api/v1/auth/reauthenticate, then retry with the new token.`,
      headers: {
        'WWW-Authenticate':
          'Bearer realm="api", error="insufficient_user_authentication", ' +
          `error_description="A recent authentication is required", max_age=${maxAge}`,
      },
    });
  }

  private ruleOf(handler: Function, controller: Function): MfaRule {
    let byController = rules.get(handler);
    if (byController === undefined) rules.set(handler, (byController = new Map()));
    let rule = byController.get(controller);
    if (rule === undefined) {
      const targets = [handler, controller];
      rule = {
        stepUp: this.reflector.getAllAndOverride<boolean>(STEP_UP_KEY, targets) === true,
        enrolment: this.reflector.getAllAndOverride<boolean>(MFA_ENROLMENT_KEY, targets) === true,
      };
      byController.set(controller, rule);
    }
    return rule;
  }
}
