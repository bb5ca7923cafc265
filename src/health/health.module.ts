import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { OidcModule } from '../oidc/oidc.module.js';
import { OidcProviderHealthIndicator } from '../oidc/oidc-provider.health.js';
import { HealthController } from './health.controller.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

@Module({
  // Terminus logs the failing check's cause server-side; clients only get a generic 503 problem.
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), OidcModule],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, ShutdownHealthIndicator, OidcProviderHealthIndicator],
})
export class HealthModule {}
