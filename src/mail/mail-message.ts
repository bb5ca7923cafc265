/** What a message is for: a bounded label for metrics and logs (never the recipient or the link). */
export type MailKind = 'password_reset' | 'email_verification';

/** One plain-text message. Its only secret is the one-time link in `text`. */
export interface MailMessage {
  readonly kind: MailKind;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}
