import type { Server, ServerResponse } from 'node:http';

/** The part of a logger the drain uses. */
export interface DrainLogger {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * The first step of shutdown: stop taking work, finish the work already taken, within a deadline.
 *
 * 1. The listening socket closes (new connections are refused, so a load balancer or client
 *    retries another instance) and idle keep-alive connections are closed (Node's server.close).
 * 2. Every response from now on carries `Connection: close`, so a keep-alive client sends its
 *    next request elsewhere instead of into a closing process; requests already on the wire are
 *    still answered normally (never 503: the dependencies are released only after the drain).
 * 3. After `graceMs`, connections still open (a slow upload, a stuck client) are destroyed, so
 *    shutdown always ends in bounded time.
 *
 * Only after that do the module hooks flush API-key usage, drain the audit queue, release Redis
 * and close the database (docs/operations.md "Shutdown sequence").
 */
export class HttpDrain {
  private state: 'serving' | 'draining' | 'drained' = 'serving';
  private drained: Promise<void> | undefined;
  /** Responses not yet sent: those already in progress when the drain starts get the header too. */
  private readonly inFlight = new Set<ServerResponse>();

  constructor(
    private readonly server: Server,
    private readonly graceMs: number,
    private readonly logger: DrainLogger,
  ) {
    // Before Express's own listener, so the header is set before any handler can answer.
    server.prependListener('request', (_req, res) => {
      if (this.state !== 'serving') {
        res.setHeader('Connection', 'close');
        return;
      }
      this.inFlight.add(res);
      res.once('close', () => this.inFlight.delete(res));
    });
  }

  /** True from the first shutdown step on: readiness answers 503 from then. */
  get draining(): boolean {
    return this.state !== 'serving';
  }

  drain(): Promise<void> {
    this.drained ??= this.run();
    return this.drained;
  }

  private async run(): Promise<void> {
    this.state = 'draining';
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    this.inFlight.clear();
    if (!this.server.listening) {
      this.state = 'drained';
      return;
    }
    const started = Date.now();
    this.logger.log(`shutdown: draining HTTP connections (grace ${this.graceMs} ms)`);
    let forced = false;
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(() => {
        forced = true;
        this.server.closeAllConnections();
      }, this.graceMs);
      this.server.close(() => {
        clearTimeout(deadline);
        resolve();
      });
    });
    this.state = 'drained';
    const took = Date.now() - started;
    if (forced) this.logger.warn(`shutdown: grace period over after ${took} ms; remaining connections closed`);
    else this.logger.log(`shutdown: HTTP drained in ${took} ms`);
  }
}
