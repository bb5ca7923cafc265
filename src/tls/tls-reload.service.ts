import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { Server } from 'node:tls';
import { PinoLogger } from 'nestjs-pino';
import { Gauge } from 'prom-client';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
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
    private readonly metrics: MetricsRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const server: unknown = this.adapterHost.httpAdapter?.getHttpServer();
    if (this.config.tls === undefined || !(server instanceof Server)) return;
    const reloader = new TlsContextReloader(server, this.config.tls, this.logger);
    this.reloader = reloader;
    reloader.start();
    // A timestamp, as Prometheus prefers (blackbox_exporter's probe_ssl_earliest_cert_expiry is
    // one too): the alert compares it with time(), see docs/operations.md "Certificate expiry".
    new Gauge({
      name: 'tls_certificate_expiry_seconds',
      help: 'Expiry (notAfter) of the TLS certificate being served, as a Unix timestamp in seconds.',
      registers: [this.metrics.registry],
      collect() {
        const validTo = reloader.validity?.validTo;
        if (validTo !== undefined) this.set(Math.floor(validTo.getTime() / 1000));
      },
    });
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
