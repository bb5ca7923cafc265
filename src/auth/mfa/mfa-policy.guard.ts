import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { ProblemException } from '../../http/problem.exception.js';
import { MFA_ENROLMENT_KEY, STEP_UP_KEY } from '../../access/access.decorators.js';
import { principalOf, type ExternalUserPrincipal } from '../../access/principal.js';
import { SecondFactor } from './second-factor.service.js';
import { StepUpCheck } from './step-up.js';

interface MfaRule {
  readonly stepUp: boolean;
  readonly enrolment: boolean;
}

/** Read once per route (like access-rule.ts), never per request. */
const rules = new WeakMap<Function, Map<Function, MfaRule>>();

/**
 * Runs after authentication and authorization (APP_GUARD), for people only, local or of the
 * external provider (API keys and machine clients never reach the routes concerned: enrolment and
 * sensitive actions take a person's bearer token):
 * 1. MFA_REQUIRED_ROLES (ASVS 6.3.3): a user of such a role whose token has no `otp` in `amr` —
 *    they have no second factor yet — reaches only the routes marked @MfaEnrolment(); everything
 *    else is a 403 that says what to do. Their role is read fresh on every request (the strategy).
 * 2. @StepUp() routes (ASVS 7.5.1, 7.5.3): a recent and, with MFA, strong authentication (step-up.ts).
 */
@Injectable()
export class MfaPolicyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stepUp: StepUpCheck,
    private readonly secondFactor: SecondFactor,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const principal = principalOf(context.switchToHttp().getRequest<Request>());
    if (principal?.kind === 'externalUser')
      return this.providerAccount(principal, this.ruleOf(context.getHandler(), context.getClass()));
    if (principal?.kind !== 'user') return true;
    const rule = this.ruleOf(context.getHandler(), context.getClass());
    // The token's `otp` says the session passed a factor; the factor must also still be on (an
    // admin who disabled theirs, or a user promoted after dropping it, is back to enrolment only).
    const requiresFactor = !rule.enrolment && this.config.mfa.requiredRoles.includes(principal.role);
    if (requiresFactor && !(principal.amr.includes('otp') && (await this.secondFactor.isEnabled(principal.userId)))) {
      throw new ProblemException(403, {
        detail:
          `Your role (${principal.role}) requires multi-factor authentication. Enrol a second factor ` +
          '(POST /api/v1/auth/mfa/totp/setup, then /confirm) and refresh your token, or log in with your code.',
      });
    }
    if (rule.stepUp) await this.stepUp.require(principal);
    return true;
  }

  /**
   * A person of the external provider: their factors and their sign-in live there, so the same two
   * rules read its token. A role in MFA_REQUIRED_ROLES needs a second factor in `amr`; there is
   * nothing to enrol here, so every route is a 403 that says to sign in with one. Step-up needs a
   * recent `auth_time` (none: refused); the way back is a new sign-in at the provider (RFC 9470).
   */
  private providerAccount(principal: ExternalUserPrincipal, rule: MfaRule): boolean {
    if (!principal.secondFactor && this.config.mfa.requiredRoles.includes(principal.role)) {
      throw new ProblemException(403, {
        detail:
          `Your role (${principal.role}) requires multi-factor authentication: sign in at the identity ` +
          'provider with a second factor (its token must say so in amr), then retry with the new token.',
      });
    }
    if (rule.stepUp) this.stepUp.requireAtProvider(principal);
    return true;
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
