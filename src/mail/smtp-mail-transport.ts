import { createTransport, type Transporter } from 'nodemailer';
import type { MailMessage } from './mail-message.js';
import { MailTransport } from './mail-transport.js';

/**
 * SMTP through nodemailer (SMTP_URL: smtp:// with STARTTLS when the server offers it, or smtps://).
 * Timeouts are bounded: nodemailer's defaults wait up to two minutes for a silent server, which
 * would hold a queue slot that long.
 */
export class SmtpMailTransport extends MailTransport {
  private readonly transporter: Transporter;

  constructor(url: string) {
    super();
    this.transporter = createTransport({
      url,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      // nodemailer logs nothing unless asked; keep it that way (it would log addresses).
      logger: false,
      debug: false,
    });
  }

  async send(message: MailMessage, from: string): Promise<void> {
    await this.transporter.sendMail({ from, to: message.to, subject: message.subject, text: message.text });
  }

  override close(): void {
    this.transporter.close();
  }
}
