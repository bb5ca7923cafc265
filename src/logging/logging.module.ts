import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { pino, type DestinationStream } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { serializeError } from './error-serializer.js';
import { buildPinoOptions } from './pino-options.js';

/** The application's root pino logger; request loggers are its children. */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

/**
 * Structured JSON logs (pino) with secrets redacted. nestjs-pino provides Nest's logger and
 * the injectable PinoLogger, both writing through our root logger. Its request middleware is
 * not mounted (`forRoutes: []`): it would run pino-http and bind every request to an
 * AsyncLocalStorage context, which together cost a third of a health check's CPU and 15 % of a
 * note read on Node 20 (docs/performance.md). Request lines come from
 * src/logging/request-logger.middleware.ts; lines about a request carry its id explicitly.
 */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig, destination?: DestinationStream): DynamicModule {
    const root =
      destination === undefined ? pino(buildPinoOptions(config.logLevel)) : pino(buildPinoOptions(config.logLevel), destination);
    return {
      module: LoggingModule,
      // pino-http derives nestjs-pino's logger from root with its own `err` serializer unless given ours.
      imports: [
        LoggerModule.forRoot({
          pinoHttp: { logger: root, serializers: { err: serializeError } },
          useExisting: true,
          forRoutes: [],
        }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: root }],
      exports: [LoggerModule, ROOT_LOGGER],
    };
  }
}
