import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { createApp } from './app.factory.js';
import { ConfigError } from './config/config-error.js';
import { loadConfigFromEnvironment } from './config/environment.js';
import type { AppConfig } from './config/app-config.js';
import { BootLogger } from './logging/boot-logger.js';
import { describeError } from './logging/error-serializer.js';

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
  // Until the app's logger is attached, a failed boot is logged by this one: errors serialised, never inspected.
  NestLogger.overrideLogger(new BootLogger(config.logLevel, 1));
  const app = await createApp(config);
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
