import { Module, type DynamicModule, type Type } from '@nestjs/common';
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
import { LoggingModule } from './logging/logging.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { NotesModule } from './notes/notes.module.js';
import { OidcModule } from './oidc/oidc.module.js';
import { RequestPipelineModule } from './request-pipeline.js';
import { SecurityEventsModule } from './security-events/security-events.module.js';
import { SharedStateModule } from './shared-state/shared-state.module.js';
import { TlsModule } from './tls/tls.module.js';
import { UsersAdminModule } from './users-admin/users-admin.module.js';
// generate:resource imports (npm run generate:resource adds a feature's import above this line)

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
        MetricsModule,
        AuditModule,
        // The global guards, interceptors, pipe and filter, in the order a request meets them.
        RequestPipelineModule,
        HealthModule,
        TlsModule,
        // Identity: accounts and their tokens, sessions and passwords; an external OpenID provider's accounts and tokens.
        AuthModule,
        OidcModule,
        // Features: each can be deleted with its folder and its line here (docs/architecture.md#layers).
        IntrusionDetectionModule,
        UsersAdminModule,
        ApiKeysModule,
        NotesModule,
        // generate:resource modules
        ...(options.extraModules ?? []),
      ],
    };
  }
}
