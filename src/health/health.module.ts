import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller.js';
import { ReadinessChecks } from './readiness-checks.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

@Module({
  // Terminus logs the failing check's cause server-side; clients only get a generic 503 problem.
  imports: [TerminusModule.forRoot({ errorLogStyle: 'json' })],
  controllers: [HealthController],
  providers: [RedisHealthIndicator, ShutdownHealthIndicator, ReadinessChecks],
  // Modules above infrastructure register their readiness checks here (readiness-checks.ts).
  exports: [ReadinessChecks],
})
export class HealthModule {}
