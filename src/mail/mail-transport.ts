import type { MailMessage } from './mail-message.js';

/**
 * The port a fork swaps to send mail another way (an HTTP mail API, a message bus): deliver one
 * message or reject. Retries, bounds, metrics and logging belong to the queue (mail-queue.ts),
 * so a transport only delivers. An abstract class, so it survives type erasure as a Nest token.
 */
export abstract class MailTransport {
  /** Delivers one message from `from`; rejects when it was not accepted. Never logs the message. */
  abstract send(message: MailMessage, from: string): Promise<void>;
  /** Releases connections at shutdown. */
  close(): void {}
}
