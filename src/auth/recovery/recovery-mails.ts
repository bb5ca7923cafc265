import type { MailMessage } from '../../mail/mail-message.js';
import { TOKEN_LIFETIME_SECONDS } from './one-time-tokens.js';

/**
 * The two messages, built only from PUBLIC_BASE_URL (never the request's Host header, which a
 * client chooses: a poisoned reset link would send the token to the attacker). The token travels
 * in the URL fragment, which browsers never send to a server, so it stays out of access logs
 * and Referer headers of the page that receives it; that page (a fork's front end) posts it to
 * the API. No other secret is in the mail, and nothing about the request (no IP, no device).
 */
export function passwordResetMail(publicBaseUrl: string, to: string, token: string): MailMessage {
  const minutes = TOKEN_LIFETIME_SECONDS.password_reset / 60;
  return {
    kind: 'password_reset',
    to,
    subject: 'Reset your password',
    text: [
      'Someone asked to reset the password of the account registered with this address.',
      '',
      `To choose a new password, open this link within ${minutes} minutes. It works once:`,
      `${publicBaseUrl}/reset-password#token=${token}`,
      '',
      'If it was not you, ignore this message: your password stays as it is.',
      '',
    ].join('\n'),
  };
}

export function emailVerificationMail(publicBaseUrl: string, to: string, token: string): MailMessage {
  const hours = TOKEN_LIFETIME_SECONDS.email_verification / 3600;
  return {
    kind: 'email_verification',
    to,
    subject: 'Verify your email address',
    text: [
      'An account was registered with this address.',
      '',
      `To confirm that it is yours, open this link within ${hours} hours. It works once:`,
      `${publicBaseUrl}/verify-email#token=${token}`,
      '',
      'If you did not register, ignore this message.',
      '',
    ].join('\n'),
  };
}
