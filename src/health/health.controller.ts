import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { ApiOkResponse, ApiOperation, ApiTags, OpenApiOnly } from '../http/openapi-declarations.js';
import { LivenessView } from './liveness.view.js';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '../access/access.decorators.js';
import { NotAudited } from '../access/audited.decorator.js';
import { ReadinessChecks } from './readiness-checks.js';
import { RedisHealthIndicator } from './redis.health.js';
import { ShutdownHealthIndicator } from './shutdown.health.js';

/** Liveness (the process answers) and readiness (its dependencies answer) for orchestrators. */
/**
 * Probes are public: orchestrators call them without credentials; they reveal only up/down.
 * They are not rate limited (nor blocked by intrusion detection): one client's behaviour must
 * never take a healthy instance out of its load balancer.
 */
@Public()
@NotAudited('probes carry no actor and no data; a refused probe (4xx) is still recorded')
@SkipThrottle()
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly redis: RedisHealthIndicator,
    private readonly shutdown: ShutdownHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    private readonly registered: ReadinessChecks,
  ) {}

  @ApiOperation({ summary: 'Liveness: the process answers' })
  @ApiOkResponse({ type: LivenessView })
  @Get('live')
  live(): LivenessView {
    return { status: 'ok' };
  }

  @ApiOperation({
    summary:
      'Readiness: the database (and Redis, the OpenID provider’s keys, when configured) answer and no shutdown is under way',
  })
  @Get('ready')
  // @HealthCheck() in two halves: its no-cache header always; its documentation (which requires
  // @nestjs/swagger) only where the OpenAPI document is built (src/http/openapi-declarations.ts).
  @HealthCheck({ noCache: true, swaggerDocumentation: false })
  @OpenApiOnly(() => HealthCheck({ noCache: false, swaggerDocumentation: true }))
  ready() {
    return this.health.check([
      // First: once shutdown drains, the instance is not ready whatever its dependencies say.
      () => this.shutdown.check('shutdown'),
      () => this.database.pingCheck('database', { timeout: 2000 }),
      // Redis only when REDIS_URL is set.
      ...(this.redis.configured ? [() => this.redis.pingCheck('redis')] : []),
      // Checks other modules registered: the external OpenID provider's keys when OIDC_ISSUER is set (docs/oauth-oidc.md).
      ...this.registered.list().map((registered) => async () => {
        const indicator = this.indicators.check(registered.name);
        const { up, details } = await registered.check();
        return up ? indicator.up(details) : indicator.down(details);
      }),
    ]);
  }
}
