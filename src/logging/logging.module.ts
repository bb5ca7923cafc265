import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { AppConfig } from '../config/app-config.js';
import { buildPinoHttpOptions } from './pino-options.js';

/** Structured JSON logs (pino) with the request id on every line and secrets redacted. */
@Module({})
export class LoggingModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: LoggingModule,
      imports: [LoggerModule.forRoot({ pinoHttp: buildPinoHttpOptions(config.logLevel) })],
      exports: [LoggerModule],
    };
  }
}
