import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * A TCP relay on a loopback port in front of a real service (Redis), so a test can inject the
 * faults an operator meets, without touching the service itself:
 * - cut(): drop every connection and refuse new ones (Redis down, connection refused);
 * - hang(): keep connections open but hold every byte in both directions, new connections too
 *   (Redis stuck, or a network that stalls: TCP delivers late, never out of order, so held bytes
 *   are delivered in order when the hang ends, as a real stalled link would);
 * - restore(): listen again and release whatever was held.
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private listenPort = 0;
  private hanging = false;
  private held: { to: Socket; chunk: Buffer }[] = [];

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  get port(): number {
    return this.listenPort;
  }

  async start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = createConnection({ host: this.targetHost, port: this.targetPort });
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      this.relay(client, upstream);
      this.relay(upstream, client);
    });
    await new Promise<void>((resolve) => server.listen(this.listenPort, '127.0.0.1', resolve));
    this.listenPort = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Drops every connection and refuses new ones. */
  async cut(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.held = [];
    for (const socket of this.sockets) socket.destroy();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Holds all traffic from now on: every command waits, no connection closes. */
  hang(): void {
    this.hanging = true;
  }

  /** Listens again on the same port (after cut) and delivers held traffic in order (after hang). */
  async restore(): Promise<void> {
    if (!this.server) await this.start();
    this.hanging = false;
    const held = this.held;
    this.held = [];
    for (const { to, chunk } of held) if (!to.destroyed) to.write(chunk);
  }

  private relay(from: Socket, to: Socket): void {
    from.on('data', (chunk: Buffer) => {
      if (this.hanging) this.held.push({ to, chunk });
      else if (!to.destroyed) to.write(chunk);
    });
  }
}

export function redisTarget(url: string): { host: string; port: number } {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port || 6379) };
}

/** A started relay in front of the Redis at `url`, and the Redis URL that goes through it. */
export async function redisThroughProxy(url: string): Promise<{ proxy: TcpProxy; url: string }> {
  const target = redisTarget(url);
  const proxy = new TcpProxy(target.host, target.port);
  await proxy.start();
  const through = new URL(url);
  through.host = `127.0.0.1:${proxy.port}`;
  return { proxy, url: through.toString() };
}
