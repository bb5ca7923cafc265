import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { SHARED_STATE_PROBE, type SharedStateProbe } from '../shared-state/state-store.js';

/**
 * Readiness of the shared store when REDIS_URL is set: without it revocation and lockout checks
 * answer 503, so the instance should leave the load balancer (terminus 12: HealthIndicatorService).
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(SHARED_STATE_PROBE) private readonly probe: SharedStateProbe,
  ) {}

  get configured(): boolean {
    return this.probe !== null;
  }

  async pingCheck(key: 'redis'): Promise<HealthIndicatorResult<'redis'>> {
    const check = this.indicators.check(key);
    try {
      await this.probe?.();
      return check.up();
    } catch {
      // The cause is logged by the store; the probe only says up or down.
      return check.down();
    }
  }
}
