import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import type { DestinationStream } from 'pino';
import { ApiKeysModule } from './api-keys/api-keys.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { DatabaseModule } from './database/database.module.js';
import type { SchemaExtensions } from './database/data-source-options.js';
import { HealthModule } from './health/health.module.js';
import { IntrusionDetectionModule } from './intrusion-detection/intrusion-detection.module.js';
import { ProblemDetailsFilter } from './http/problem-details.filter.js';
import { createValidationPipe } from './http/validation.pipe.js';
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotesModule } from './notes/notes.module.js';
import { RateLimitModule } from './rate-limit/rate-limit.module.js';
import { SecurityEventsModule } from './security-events/security-events.module.js';
import { SharedStateModule } from './shared-state/shared-state.module.js';
import { TlsModule } from './tls/tls.module.js';
import { UsersAdminModule } from './users-admin/users-admin.module.js';

export interface AppModuleOptions {
  /** Extra modules (tests mount probe controllers here; the pipeline stays the production one). */
  readonly extraModules?: readonly Type[];
  readonly schema?: SchemaExtensions;
  /** Where log lines go instead of stdout (tests read them back). */
  readonly logDestination?: DestinationStream;
}

/** The module graph of the service; built from an already-validated config. */
@Module({})
export class AppModule {
  static register(config: AppConfig, options: AppModuleOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot(config, options.logDestination),
        SecurityEventsModule,
        CryptoModule,
        DatabaseModule.forRoot(config, options.schema),
        SharedStateModule,
        // Before every module that registers guards: its global guard must run first (rate-limit.module.ts).
        RateLimitModule,
        IntrusionDetectionModule,
        MetricsModule,
        AuditModule,
        AuthModule,
        UsersAdminModule,
        ApiKeysModule,
        NotesModule,
        HealthModule,
        TlsModule,
        ...(options.extraModules ?? []),
      ],
      providers: [
        { provide: APP_FILTER, useClass: ProblemDetailsFilter },
        { provide: APP_PIPE, useFactory: createValidationPipe },
      ],
    };
  }
}
