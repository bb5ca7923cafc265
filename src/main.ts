// Only light modules are imported statically: the SIGHUP guard must be in place before the
// application's modules load (a second or more), see src/lifecycle/sighup-guard.ts.
import { holdSighup, releaseSighup } from './lifecycle/sighup-guard.js';
import { armShutdownDeadline } from './lifecycle/shutdown-deadline.js';
import { ConfigError } from './config/config-error.js';
import { loadConfigFromEnvironment } from './config/environment.js';
import type { AppConfig } from './config/app-config.js';

holdSighup();

function loadOrExit(): AppConfig {
  try {
    return loadConfigFromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      // Refuse to start with a message that names the variable (API.md §8).
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
  const { Logger } = await import('nestjs-pino');
  const { createApp } = await import('./app.factory.js');
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
  console.error('Failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
