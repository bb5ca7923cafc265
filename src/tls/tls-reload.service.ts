import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Server } from 'node:tls';
import { PinoLogger } from 'nestjs-pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TlsContextReloader, type TlsReloadLogger } from './tls-context-reloader.js';

/**
 * Starts certificate hot-reload once the HTTPS server exists and stops it (watchers, SIGHUP
 * listener) on shutdown, so app.close() leaves nothing running. Does nothing over plain HTTP
 * or in an application context without a server (the CLI).
 */
@Injectable()
export class TlsReloadService implements OnApplicationBootstrap, OnModuleDestroy {
  private reloader: TlsContextReloader | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly adapterHost: HttpAdapterHost,
    @Inject(PinoLogger) private readonly logger: TlsReloadLogger,
  ) {}

  onApplicationBootstrap(): void {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (this.config.tls === undefined || !(server instanceof Server)) return;
    this.reloader = new TlsContextReloader(server, this.config.tls, this.logger);
    this.reloader.start();
  }

  /** Reloads installed and refused since start; undefined when not serving TLS. */
  get counts(): Readonly<{ reloaded: number; refused: number }> | undefined {
    return this.reloader === undefined ? undefined : { ...this.reloader.counts };
  }

  onModuleDestroy(): void {
    this.reloader?.close();
    this.reloader = undefined;
  }
}
