import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../auth/access/access.decorators.js';
import { OidcProviderHealthIndicator } from '../oidc/oidc-provider.health.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

/** Liveness (the process answers) and readiness (its dependencies answer) for orchestrators. */
/**
 * Probes are public: orchestrators call them without credentials; they reveal only up/down.
 * They are not rate limited (nor blocked by intrusion detection): one client's behaviour must
 * never take a healthy instance out of its load balancer.
 */
@Public()
@SkipThrottle()
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly oidcProvider: OidcProviderHealthIndicator,
  ) {}

  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      // First: once shutdown drains, the instance is not ready whatever its dependencies say.
      () => this.shutdown.check('shutdown'),
      () => this.database.pingCheck('database', { timeout: 2000 }),
      // Redis only when REDIS_URL is set.
      ...(this.redis.configured ? [() => this.redis.pingCheck('redis')] : []),
      // The external OpenID provider's keys only when OIDC_ISSUER is set (docs/oauth-oidc.md).
      ...(this.oidcProvider.configured ? [() => this.oidcProvider.check('oidcProvider')] : []),
    ]);
  }
}
