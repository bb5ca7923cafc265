import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTransport, type Transporter } from 'nodemailer';
import type { MailMessage } from './mail-message.js';
import { MailTransport } from './mail-transport.js';

/**
 * Development without SMTP_URL: each message is rendered by nodemailer as a real RFC 5322 message
 * and written as `<time>-<kind>-<id>.eml` (mode 0600: it holds a live link) to MAIL_OUTBOX_DIR
 * (default data/outbox/), and its path is logged, so a developer opens it in a mail client.
 * Never used in production (src/config/mail-config.ts).
 */
export class OutboxMailTransport extends MailTransport {
  private readonly renderer: Transporter;
  private readonly directory: string;

  constructor(
    directory: string,
    private readonly written: (path: string) => void,
  ) {
    super();
    this.directory = resolve(directory);
    this.renderer = createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  }

  async send(message: MailMessage, from: string): Promise<void> {
    const rendered = (await this.renderer.sendMail({ from, to: message.to, subject: message.subject, text: message.text })) as {
      message: Buffer;
    };
    await mkdir(this.directory, { recursive: true, mode: 0o700 });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const path = join(this.directory, `${stamp}-${message.kind}-${randomUUID().slice(0, 8)}.eml`);
    await writeFile(path, rendered.message, { mode: 0o600, flag: 'wx' });
    this.written(path);
  }
}
