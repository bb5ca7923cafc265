import { ConfigError } from './config-error.js';
import { isAccountEmail } from './email-address.js';
import { readBool, readInt, readOptional, readString, type Env } from './env-parsers.js';
import type { NodeEnv } from './node-env.js';
import { readSecret } from './secret-sources.js';

/** Where mail goes: an SMTP server, .eml files in a folder (development), nowhere (tests), or not at all. */
export type MailTransportConfig =
  | { readonly kind: 'smtp'; readonly url: string }
  | { readonly kind: 'outbox'; readonly directory: string }
  | { readonly kind: 'discard' }
  | { readonly kind: 'none' };

export interface MailConfig {
  readonly transport: MailTransportConfig;
  /** MAIL_FROM: the sender of every message. */
  readonly from: string;
  /** PUBLIC_BASE_URL: the only source of links in mails (never the request's Host header). */
  readonly publicBaseUrl: string;
  /** PASSWORD_RESET_ENABLED: the password-reset routes answer. */
  readonly passwordResetEnabled: boolean;
  /** REQUIRE_EMAIL_VERIFICATION: login is refused until the account's email is verified. */
  readonly requireEmailVerification: boolean;
  /** Tries per message (first send plus retries) and the first retry's delay (doubling after). */
  readonly sendAttempts: number;
  readonly retryDelayMs: number;
  /** Messages waiting at most; beyond, new ones are dropped (logged and counted), never buffered without bound. */
  readonly maxQueued: number;
  /** Mail-sending requests (reset, resend) per MAIL_THROTTLE_WINDOW, per client address and per target account. */
  readonly throttle: { readonly addressLimit: number; readonly accountLimit: number; readonly windowSeconds: number };
}

const DEV_BASE_URL = 'http://localhost:3000';
const DEV_FROM = 'no-reply@localhost.test';

/**
 * Mail settings (docs/configuration.md, docs/account-lifecycle.md#mail). Fail-closed: production with a mail-sending feature
 * on (password reset, required verification) and no SMTP_URL refuses to start, rather than
 * answering 202 to reset requests whose mail can never leave.
 */
export function parseMailConfig(env: Env, nodeEnv: NodeEnv): MailConfig {
  const production = nodeEnv === 'production';
  const smtpUrl = readSecret(env, 'SMTP_URL');
  if (smtpUrl !== undefined && !/^smtps?:\/\/[^/?#\s]+/.test(smtpUrl)) {
    // Not echoed: the URL may hold the SMTP password.
    throw new ConfigError('SMTP_URL', 'must start with smtp:// or smtps:// and name a host');
  }
  const transport: MailTransportConfig =
    smtpUrl !== undefined
      ? { kind: 'smtp', url: smtpUrl }
      : production
        ? { kind: 'none' }
        : nodeEnv === 'development'
          ? { kind: 'outbox', directory: readString(env, 'MAIL_OUTBOX_DIR', 'data/outbox') }
          : readOptional(env, 'MAIL_OUTBOX_DIR') !== undefined
            ? { kind: 'outbox', directory: readString(env, 'MAIL_OUTBOX_DIR', '') }
            : { kind: 'discard' };

  // Reset is on by default wherever mail can leave; production without SMTP_URL keeps it off unless asked.
  const passwordResetEnabled = readBool(env, 'PASSWORD_RESET_ENABLED', transport.kind !== 'none');
  const requireEmailVerification = readBool(env, 'REQUIRE_EMAIL_VERIFICATION', false);
  if (transport.kind === 'none' && (passwordResetEnabled || requireEmailVerification)) {
    throw new ConfigError(
      'SMTP_URL',
      `is required in production when ${passwordResetEnabled ? 'PASSWORD_RESET_ENABLED' : 'REQUIRE_EMAIL_VERIFICATION'} is on`,
    );
  }
  const mailing = transport.kind !== 'none';

  const from = readOptional(env, 'MAIL_FROM');
  if (from !== undefined && !isAccountEmail(from)) throw new ConfigError('MAIL_FROM', 'must be one plain email address');
  if (production && mailing && from === undefined) throw new ConfigError('MAIL_FROM', 'is required in production with SMTP_URL');

  const base = readOptional(env, 'PUBLIC_BASE_URL');
  if (production && mailing && base === undefined)
    throw new ConfigError('PUBLIC_BASE_URL', 'is required in production with SMTP_URL (links in mails are built from it)');
  // Without a value: development's default (production with mail has refused above; without mail, links are never built).
  const publicBaseUrl = base === undefined ? DEV_BASE_URL : parsePublicBaseUrl(base, production);

  return {
    transport,
    from: from ?? DEV_FROM,
    publicBaseUrl,
    passwordResetEnabled,
    requireEmailVerification,
    sendAttempts: readInt(env, 'MAIL_SEND_ATTEMPTS', 3, 1, 10),
    retryDelayMs: readInt(env, 'MAIL_RETRY_DELAY_MS', 2000, 10, 600_000),
    maxQueued: readInt(env, 'MAIL_QUEUE_MAX', 1000, 1, 100_000),
    throttle: {
      addressLimit: readInt(env, 'MAIL_THROTTLE_ADDRESS_LIMIT', 10, 1),
      accountLimit: readInt(env, 'MAIL_THROTTLE_ACCOUNT_LIMIT', 3, 1),
      windowSeconds: readInt(env, 'MAIL_THROTTLE_WINDOW', 900, 1),
    },
  };
}

/** An origin and optional path, without query, fragment or credentials; https in production. */
function parsePublicBaseUrl(raw: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('PUBLIC_BASE_URL', 'must be an absolute URL such as https://app.example.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConfigError('PUBLIC_BASE_URL', 'must use https (or http outside production)');
  if (production && url.protocol !== 'https:') throw new ConfigError('PUBLIC_BASE_URL', 'must use https in production');
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '')
    throw new ConfigError('PUBLIC_BASE_URL', 'must not contain credentials, a query or a fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
