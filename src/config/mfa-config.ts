import { ROLES, type Role } from './roles.js';
import { ConfigError } from './config-error.js';
import { readInt, readOptional, readString, type Env } from './env-parsers.js';

export interface MfaConfig {
  /** Roles whose users must have a second factor: without one, their tokens reach only enrolment. */
  readonly requiredRoles: readonly Role[];
  /** How recent (seconds) an authentication must be for a sensitive action (step-up). */
  readonly stepUpMaxAgeSeconds: number;
  /** The issuer shown by authenticator apps next to the account (the `otpauth://` URI's issuer). */
  readonly totpIssuer: string;
}

/**
 * MFA_REQUIRED_ROLES (default `admin`; `none` turns the requirement off, which is never the
 * default: an admin account guarded by a password alone is the first target of credential
 * stuffing), STEP_UP_MAX_AGE and MFA_TOTP_ISSUER (docs/configuration.md).
 */
export function parseMfaConfig(env: Env): MfaConfig {
  return {
    requiredRoles: parseRequiredRoles(readOptional(env, 'MFA_REQUIRED_ROLES')),
    stepUpMaxAgeSeconds: readInt(env, 'STEP_UP_MAX_AGE', 600, 30, 86_400),
    totpIssuer: parseIssuer(readString(env, 'MFA_TOTP_ISSUER', 'secure-nest-api')),
  };
}

function parseRequiredRoles(raw: string | undefined): readonly Role[] {
  if (raw === undefined) return ['admin'];
  const trimmed = raw.trim();
  if (trimmed === 'none') return [];
  const names = trimmed.split(',').map((name) => name.trim());
  // An empty item is refused ("admin,"); an empty value reads as unset, like every variable: never as "nobody".
  if (names.some((name) => name === ''))
    throw new ConfigError('MFA_REQUIRED_ROLES', 'must list roles (comma-separated) or be none');
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) {
      throw new ConfigError('MFA_REQUIRED_ROLES', `must name only the roles ${ROLES.join(', ')} (or be none)`);
    }
  }
  return [...new Set(names as Role[])];
}

function parseIssuer(issuer: string): string {
  // The otpauth URI label is `issuer:account`: a colon would split it wrongly in authenticator apps.
  if (issuer.length === 0 || issuer.length > 64 || /[:\p{Cc}]/u.test(issuer)) {
    throw new ConfigError('MFA_TOTP_ISSUER', 'must be 1-64 characters without a colon or control characters');
  }
  return issuer;
}
