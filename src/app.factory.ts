import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AppConfig } from './config/app-config.js';
import { AppModule, type AppModuleOptions } from './app.module.js';
import { configureApp } from './configure-app.js';
import { createExpressInstance } from './http/express-instance.js';
import { DrainingExpressAdapter } from './lifecycle/draining-express-adapter.js';
import { loadTlsServerOptions } from './tls/tls-server-options.js';

/** Builds the fully configured application: the same call for main.ts and the e2e tests. */
export async function createApp(config: AppConfig, options: AppModuleOptions = {}): Promise<NestExpressApplication> {
  // The adapter applies the server limits and makes shutdown drain HTTP before any module hook
  // releases a dependency (src/lifecycle/draining-express-adapter.ts).
  // The Express instance routes case-sensitively and strictly (src/http/express-instance.ts).
  const adapter = new DrainingExpressAdapter(config.httpServer, createExpressInstance());
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config, options), adapter, {
    bodyParser: false,
    bufferLogs: true,
    // Start-up errors are thrown to the caller (main.ts prints them and exits 1) instead of
    // Nest aborting the process, so tests can assert them and operators get a clean message.
    abortOnError: false,
    // HTTPS (TLS 1.3 only) when TLS_CERT_FILE/TLS_KEY_FILE are set; TlsModule hot-reloads the pair.
    ...(config.tls === undefined ? {} : { httpsOptions: loadTlsServerOptions(config.tls, config.nodeEnv === 'production') }),
  });
  // Only a process that serves the document loads @nestjs/swagger (src/http/openapi-declarations.ts).
  const openApi = config.swaggerEnabled ? await import('./openapi/openapi.js') : undefined;
  configureApp(app, config, openApi?.mountOpenApi);
  return app;
}
