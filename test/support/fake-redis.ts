import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** Replies a real Redis would give, for the few commands the state store and ioredis send. */
function replyTo(command: readonly string[]): string {
  switch (command[0]?.toUpperCase()) {
    case 'PING':
      return '+PONG\r\n';
    case 'INFO': {
      const info = '# Server\r\nloading:0\r\n';
      return `$${Buffer.byteLength(info)}\r\n${info}\r\n`;
    }
    case 'GET':
      return '$-1\r\n';
    case 'EVAL':
      return ':1\r\n';
    default:
      return '+OK\r\n';
  }
}

/**
 * A minimal RESP server on loopback, enough for ioredis and the state store, so the default test
 * suite (no Redis installed) can make "Redis" hang: while hung it reads commands and answers
 * none; release() answers them in order (as a stalled Redis would) and then answers at once.
 * It records every command received after the handshake, so a test can see what reached it.
 */
export class FakeRedis {
  readonly commands: string[][] = [];
  private readonly sockets = new Set<Socket>();
  private hung = false;
  private held: { socket: Socket; command: string[] }[] = [];

  private constructor(private readonly server: Server) {}

  static async start(): Promise<FakeRedis> {
    const server = createServer();
    const fake = new FakeRedis(server);
    server.on('connection', (socket) => fake.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  hang(): void {
    this.hung = true;
  }

  release(): void {
    this.hung = false;
    for (const { socket, command } of this.held.splice(0)) if (!socket.destroyed) socket.write(replyTo(command));
  }

  /** Drops every connection (Redis restarted or the link reset); new ones are accepted. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      for (;;) {
        const parsed = parseCommand(buffer);
        if (!parsed) break;
        buffer = buffer.slice(parsed.length);
        const name = parsed.command[0]?.toUpperCase();
        if (name !== 'INFO' && name !== 'CLIENT') this.commands.push(parsed.command);
        if (this.hung) this.held.push({ socket, command: parsed.command });
        else socket.write(replyTo(parsed.command));
      }
    });
  }
}

/** One RESP array of bulk strings from the start of `input`, or undefined if incomplete. */
function parseCommand(input: string): { command: string[]; length: number } | undefined {
  let at = 0;
  const line = (): string | undefined => {
    const end = input.indexOf('\r\n', at);
    if (end < 0) return undefined;
    const text = input.slice(at, end);
    at = end + 2;
    return text;
  };
  const header = line();
  if (header === undefined) return undefined;
  const count = Number(header.slice(1));
  const command: string[] = [];
  for (let i = 0; i < count; i++) {
    const size = line();
    if (size === undefined) return undefined;
    const length = Number(size.slice(1));
    if (input.length < at + length + 2) return undefined;
    command.push(input.slice(at, at + length));
    at += length + 2;
  }
  return { command, length: at };
}
