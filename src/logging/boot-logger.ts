import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Level, type Logger } from 'pino';
import { buildPinoOptions } from './pino-options.js';

type NestLevel = 'log' | 'error' | 'warn' | 'debug' | 'verbose' | 'fatal';
const LEVELS: Record<NestLevel, Level> = {
  log: 'info',
  error: 'error',
  warn: 'warn',
  debug: 'debug',
  verbose: 'trace',
  fatal: 'fatal',
};

/**
 * Nest's logger before the application's own is attached (module initialisation: database
 * connection, migrations) and in the CLI. Nest's default ConsoleLogger prints a thrown error with
 * util.inspect, i.e. a QueryFailedError's SQL, parameters and driver error in full; this one
 * writes JSON lines through the same pino options as the application, so errors pass through
 * serializeError. The CLI points it at stderr (fd 2) so stdout carries only a command's result.
 */
export class BootLogger implements LoggerService {
  private readonly logger: Logger;

  /** `fd` 1 or 2 (synchronous, so lines are out before process.exit), or a stream (tests). */
  constructor(level: string, fd: 1 | 2 | DestinationStream) {
    this.logger = pino(buildPinoOptions(level), typeof fd === 'number' ? pino.destination({ dest: fd, sync: true }) : fd);
  }

  log(message: unknown, ...rest: unknown[]): void {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest calls `(message, context)`, and `(message, stack, context)` for errors. */
  private write(level: NestLevel, message: unknown, rest: unknown[]): void {
    const strings = rest.filter((item): item is string => typeof item === 'string');
    const context = strings.length > 0 ? strings[strings.length - 1] : undefined;
    const stack = strings.length > 1 ? strings[0] : undefined;
    const method = LEVELS[level];
    if (message instanceof Error) {
      this.logger[method]({ context, err: message }, message.constructor.name);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[method]({ context, ...message });
    } else if (stack !== undefined) {
      // A stack passed as a string may be another error's (@nestjs/typeorm's retry line): serialised like one.
      this.logger[method]({ context, err: Object.assign(new Error(String(message)), { stack }) }, String(message));
    } else {
      this.logger[method]({ context }, String(message));
    }
  }
}
