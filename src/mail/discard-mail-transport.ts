import type { MailMessage } from './mail-message.js';
import { MailTransport } from './mail-transport.js';

/**
 * Tests that do not read mail (NODE_ENV=test without SMTP_URL or MAIL_OUTBOX_DIR): messages are
 * composed and accepted, and go nowhere, so the suites do not litter the disk.
 */
export class DiscardMailTransport extends MailTransport {
  async send(_message: MailMessage, _from: string): Promise<void> {}
}
