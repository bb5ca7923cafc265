import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { pino } from 'pino';
import { AppModule, type AppModuleOptions } from '../app.module.js';
import type { AppConfig } from '../config/app-config.js';
import { BootLogger } from '../logging/boot-logger.js';

/**
 * The server's module graph without HTTP, for a CLI command. Every log line goes to stderr, the
 * application's (pino) and Nest's own alike, so stdout carries only the command's result and
 * `ID=$(npm run --silent cli -- create-admin ...)` captures an id, never a log line. Nest's boot
 * lines stay buffered: they are printed (to stderr) only if the boot fails.
 */
export function openAppContext(config: AppConfig, options: AppModuleOptions = {}): Promise<INestApplicationContext> {
  return NestFactory.createApplicationContext(
    AppModule.register(config, {
      ...options,
      logDestination: options.logDestination ?? pino.destination({ dest: 2, sync: true }),
    }),
    { abortOnError: false, bufferLogs: true, logger: new BootLogger(config.logLevel, 2) },
  );
}
