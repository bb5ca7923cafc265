import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** What a test decides for one message the application sends: pass it on, or pass it on and cut. */
export type ClientMessageDecision = 'forward' | 'forward-then-cut';

/**
 * A relay in front of PostgreSQL that reads the wire protocol (messages are a type byte and a
 * length), so a test can fail a connection at an exact point, which killing a backend from
 * another session only hits by chance:
 * - `decide` sees every message the application sends (its type, and the SQL of a simple Query
 *   or a Parse) and may cut the connection right after forwarding it: the server runs the
 *   statement (a COMMIT commits), the application never hears back;
 * - `failAfterStartup`: a new connection gets the server's "ready for query" and, in the same
 *   write, a FATAL error, as when a backend is terminated just as the connection is established.
 */
export class PostgresWireProxy {
  decide: (type: string, sql: string) => ClientMessageDecision = () => 'forward';
  failAfterStartup = false;
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listenPort = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  get port(): number {
    return this.listenPort;
  }

  /** `url` with its host and port replaced by this relay's. */
  urlThrough(url: string): string {
    const through = new URL(url);
    through.host = `127.0.0.1:${this.listenPort}`;
    return through.toString();
  }

  async start(): Promise<void> {
    this.server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.listenPort = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = createConnection(this.target);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => socket.destroy());
    }
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
    const failThisOne = this.failAfterStartup;
    let cut = false;
    const fromServer = new MessageReader(false);
    upstream.on('data', (chunk: Buffer) => {
      if (cut || client.destroyed) return;
      if (!failThisOne) return void client.write(chunk);
      const ready = fromServer.push(chunk).find((message) => message.type === 'Z');
      if (!ready) return void client.write(chunk);
      cut = true;
      client.write(Buffer.concat([chunk.subarray(0, ready.end), fatalError()]));
      client.destroy();
    });
    const fromClient = new MessageReader(true);
    client.on('data', (chunk: Buffer) => {
      if (cut) return;
      for (const message of fromClient.push(chunk)) {
        upstream.write(message.bytes);
        if (this.decide(message.type, message.sql) === 'forward-then-cut') {
          cut = true;
          client.destroy();
          return;
        }
      }
    });
  }
}

interface Message {
  readonly type: string;
  readonly sql: string;
  readonly bytes: Buffer;
  /** Where the message ends in the chunk that completed it (server side only). */
  readonly end: number;
}

/** Splits a byte stream into protocol messages; the client's first message has no type byte. */
class MessageReader {
  private buffered = Buffer.alloc(0);

  constructor(private startup: boolean) {}

  push(chunk: Buffer): Message[] {
    const offset = this.buffered.length;
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const messages: Message[] = [];
    let at = 0;
    for (;;) {
      const header = this.startup ? 4 : 5;
      if (this.buffered.length - at < header) break;
      const length = this.buffered.readInt32BE(at + header - 4) + header - 4;
      if (this.buffered.length - at < length) break;
      const bytes = this.buffered.subarray(at, at + length);
      const type = this.startup ? '' : String.fromCharCode(bytes[0]!);
      messages.push({ type, sql: sqlOf(type, bytes), bytes, end: at + length - offset });
      this.startup = false;
      at += length;
    }
    this.buffered = this.buffered.subarray(at);
    return messages;
  }
}

/** The SQL of a simple Query ('Q': text) or a Parse ('P': name, then text). */
function sqlOf(type: string, bytes: Buffer): string {
  const body = bytes.subarray(5);
  if (type === 'Q') return body.subarray(0, body.indexOf(0)).toString('utf8');
  if (type !== 'P') return '';
  const textStart = body.indexOf(0) + 1;
  return body.subarray(textStart, body.indexOf(0, textStart)).toString('utf8');
}

/** An ErrorResponse as PostgreSQL sends it for pg_terminate_backend. */
function fatalError(): Buffer {
  const fields = Buffer.from('SFATAL\0VFATAL\0C57P01\0Mterminating connection due to administrator command\0\0', 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}
