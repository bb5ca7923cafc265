import { Logger as NestLogger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';

/**
 * TypeORM's own logger. Its built-in loggers print the SQL text and the bound parameters
 * (password hashes, email ciphertexts, API-key secret hashes) of every query, or of every failed
 * query with `logging: ['error']`; turning logging on in a fork must never do that. This one
 * never sees a parameter leave: queries are not logged at all, a failed query is logged at debug
 * as its error (class and SQLSTATE through serializeError, no SQL) since the caller handles or
 * logs it; migration and warning lines go to the application's log (ASVS 16.2.5).
 */
export class ParameterFreeTypeOrmLogger implements TypeOrmLogger {
  private readonly logger = new NestLogger('TypeORM');

  logQuery(_query: string, _parameters?: unknown[] | object): void {
    // Never: the SQL text of every query is noise, and its parameters are secrets.
  }

  logQueryError(error: string | Error, _query?: string, _parameters?: unknown[] | object): void {
    if (error instanceof Error) this.logger.debug({ err: error, msg: 'database query failed' });
  }

  logQuerySlow(time: number, _query?: string, _parameters?: unknown[] | object): void {
    this.logger.warn({ durationMs: time, msg: 'slow database query' });
  }

  logSchemaBuild(): void {
    // Schema comes from migrations only (synchronize is off): nothing to report.
  }

  logMigration(message: string): void {
    this.logger.log(message);
  }

  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (typeof message !== 'string') return;
    if (level === 'warn') this.logger.warn(message);
    else this.logger.log(message);
  }
}
