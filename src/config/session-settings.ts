import type { AppConfig } from './app-config.js';
import { readInt, readOptional, type Env } from './env-parsers.js';

/** 30 days: the longest a login lasts, however often it is refreshed (ASVS 7.3.2). */
export const DEFAULT_SESSION_ABSOLUTE_TTL_SECONDS = 2_592_000;

/**
 * SESSION_ABSOLUTE_TTL bounds a session from its login: a refresh never extends it, and the
 * refresh and access tokens it issues expire no later (docs/account-lifecycle.md#sessions).
 * SESSION_MAX_PER_USER is unset by default (no limit); when set, a login beyond it ends the
 * user's oldest live sessions. 0 is refused rather than read as "unlimited": a typo must not
 * silently turn a limit off.
 */
export function parseSessionSettings(env: Env): AppConfig['sessions'] {
  return {
    absoluteTtlSeconds: readInt(env, 'SESSION_ABSOLUTE_TTL', DEFAULT_SESSION_ABSOLUTE_TTL_SECONDS, 1, 31_536_000),
    maxPerUser:
      readOptional(env, 'SESSION_MAX_PER_USER') === undefined ? undefined : readInt(env, 'SESSION_MAX_PER_USER', 0, 1, 10_000),
  };
}
