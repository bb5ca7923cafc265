// Only light modules are imported statically: the SIGHUP guard must be in place before the
// application's modules load (a second or more), see src/lifecycle/sighup-guard.ts.
import { holdSighup, releaseSighup } from './lifecycle/sighup-guard.js';
import { armShutdownDeadline } from './lifecycle/shutdown-deadline.js';
import { ConfigError } from './config/config-error.js';
import { loadConfigFromEnvironment } from './config/environment.js';
import type { AppConfig } from './config/app-config.js';
import { describeError } from './logging/error-serializer.js';

holdSighup();

function loadOrExit(): AppConfig {
  try {
    return loadConfigFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      // Refuse to start with a message that names the variable (docs/configuration.md).
      console.error(`Configuration error: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = loadOrExit();
  // Without TLS, SIGHUP is a shutdown signal (configure-app.ts), not a reload to ignore.
  if (config.tls === undefined) releaseSighup();
  await import('reflect-metadata');
  if (!config.swaggerEnabled) {
    // No OpenAPI document in this process: the controllers' and DTOs' OpenAPI decorators do
    // nothing, before the application's modules load (src/http/openapi-declarations.ts).
    const { discardOpenApiDeclarations } = await import('./http/openapi-declarations.js');
    discardOpenApiDeclarations();
  }
  const { Logger } = await import('nestjs-pino');
  const { Logger: NestLogger } = await import('@nestjs/common');
  const { BootLogger } = await import('./logging/boot-logger.js');
  const { createApp } = await import('./app.factory.js');
  // Until the app's logger is attached, a failed boot is logged by this one: errors serialised, never inspected.
  NestLogger.overrideLogger(new BootLogger(config.logLevel, 1));
  const app = await createApp(config);
  // After createApp, whose shutdown hooks are then the first SIGTERM listener (before it, the
  // default action of SIGTERM must still end a process that is starting).
  armShutdownDeadline(config.httpServer.shutdownGraceMs);
  const logger = app.get(Logger);
  if (config.generatedSecrets.length > 0) {
    logger.warn(`Development secrets generated for ${config.generatedSecrets.join(', ')}; kept in data/dev-secrets.json`);
  }
  await app.listen(config.port, config.host);
  logger.log(`Listening on ${await app.getUrl()} (${config.nodeEnv}, ${config.database.type})`);
}

bootstrap().catch((error: unknown) => {
  // No stack and, for a database error, no message: it may quote SQL values (error-serializer.ts).
  console.error(`Failed to start: ${describeError(error)}`);
  process.exit(1);
});
