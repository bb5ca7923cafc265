import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { buildPinoOptions } from './pino-options.js';

/** The application's root pino logger; request loggers are its children. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Structured JSON logs (pino) with the request id on every line and secrets redacted.
 * nestjs-pino logs through our root logger and, with `useExisting`, binds the per-request
 * logger that src/logging/request-logger.middleware.ts made instead of running pino-http.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const root =
      destination === undefined ? pino(buildPinoOptions(config.logLevel)) : pino(buildPinoOptions(config.logLevel), destination);
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: { logger: root }, useExisting: true })],
      providers: [{ provide: ROOT_LOGGER, useValue: root }],
      exports: [LoggerModule, ROOT_LOGGER],
    };
  }
}
