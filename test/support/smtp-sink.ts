import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { SMTPServer } from 'smtp-server';

/** One message as the SMTP server received it, with its text part decoded. */
export interface CapturedMail {
  /** Envelope recipients (RCPT TO), lower-cased. */
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  /** The whole message as sent (headers and body), for "nothing else leaks" checks. */
  readonly raw: string;
  /** The body, quoted-printable decoded. */
  readonly text: string;
  /** Every http(s) URL in the body. */
  readonly links: readonly string[];
}

export interface SmtpSink {
  readonly port: number;
  readonly url: string;
  readonly mails: CapturedMail[];
  /** Milliseconds the server waits before accepting each message (a slow server). */
  delayMs: number;
  /** Waits for the message number `index` (0: the first) to `to` with a link to `path`, and returns it. */
  next(to: string, path: string, index?: number): Promise<CapturedMail>;
  /** The messages for `to` so far, optionally only those with a link to `path`. */
  to(address: string, path?: string): CapturedMail[];
  close(): Promise<void>;
}

/** Undoes quoted-printable (RFC 2045): soft line breaks and =XX escapes; nodemailer uses it for long lines. */
function decodeQuotedPrintable(body: string): string {
  return body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function parse(raw: string, to: readonly string[], from: string): CapturedMail {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'im').exec(head)?.[1] ?? '';
  const quoted = /quoted-printable/i.test(header('Content-Transfer-Encoding'));
  const text = quoted ? decodeQuotedPrintable(body) : body;
  return { to, from, subject: header('Subject'), raw, text, links: text.match(/https?:\/\/\S+/g) ?? [] };
}

/**
 * A real SMTP server (the `smtp-server` package) on loopback that accepts every message and keeps
 * it: the application's nodemailer transport talks real SMTP to it, and tests read the captured
 * mails and follow their links. No TLS, no authentication: loopback only.
 */
export async function startSmtpSink(): Promise<SmtpSink> {
  const mails: CapturedMail[] = [];
  const sink = { delayMs: 0 } as { delayMs: number };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase());
        const from = session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address;
        const accept = () => {
          mails.push(parse(Buffer.concat(chunks).toString('utf8'), to, from));
          callback();
        };
        if (sink.delayMs > 0) setTimeout(accept, sink.delayMs);
        else accept();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  const forAddress = (address: string, path?: string) =>
    mails.filter((mail) => mail.to.includes(address.toLowerCase()) && (path === undefined || linkTo(mail, path) !== undefined));
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    mails,
    get delayMs() {
      return sink.delayMs;
    },
    set delayMs(value: number) {
      sink.delayMs = value;
    },
    to: forAddress,
    async next(to: string, path: string, index = 0) {
      for (let i = 0; i < 500; i++) {
        const found = forAddress(to, path);
        if (found.length > index) return found[index]!;
        await sleep(10);
      }
      throw new Error(`no mail number ${index} for ${to} with a ${path} link within 5 s`);
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function linkTo(mail: CapturedMail, path: string): string | undefined {
  return mail.links.find((candidate) => new URL(candidate).pathname.endsWith(path));
}

/** The token of a link from a captured mail (`…#token=<token>`). */
export function tokenOf(mail: CapturedMail, path: string): string {
  const link = linkTo(mail, path);
  const token = link === undefined ? undefined : /#token=([A-Za-z0-9_-]+)$/.exec(link)?.[1];
  if (token === undefined) throw new Error(`no ${path} link in the mail`);
  return token;
}
