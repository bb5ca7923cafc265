import { Logger } from '@nestjs/common';
import { ExpressAdapter } from '@nestjs/platform-express';
import type { Server } from 'node:http';
import type { HttpServerConfig } from '../config/http-server-config.js';
import { HttpDrain } from './http-drain.js';
import { applyHttpServerLimits } from './http-server-limits.js';

/**
 * Express adapter whose shutdown drains HTTP first. Nest's close() runs, in order, the
 * adapter's beforeClose, the modules' onModuleDestroy hooks, beforeApplicationShutdown, then
 * closes the server. With the stock adapter the hooks (Redis disconnect, usage flush) ran while
 * the server still took requests, which then failed with 503 for the whole drain. Here
 * beforeClose is the drain (http-drain.ts), so every dependency outlives the last request.
 */
export class DrainingExpressAdapter extends ExpressAdapter {
  private drainer: HttpDrain | undefined;

  constructor(
    private readonly limits: HttpServerConfig,
    instance?: unknown,
  ) {
    super(instance);
  }

  override initHttpServer(options: Parameters<ExpressAdapter['initHttpServer']>[0]): void {
    super.initHttpServer(options);
    const server = this.getHttpServer() as Server;
    applyHttpServerLimits(server, this.limits);
    this.drainer = new HttpDrain(server, this.limits.shutdownGraceMs, new Logger('Shutdown'));
  }

  /** True once shutdown has begun: /health/ready answers 503 so load balancers stop sending. */
  get draining(): boolean {
    return this.drainer?.draining ?? false;
  }

  override async beforeClose(): Promise<void> {
    super.beforeClose();
    await this.drainer?.drain();
  }
}
