import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { SHARED_STATE_CIRCUIT, type SharedStateCircuit } from '../shared-state/state-store.js';

/**
 * Readiness of the shared store when REDIS_URL is set: without it revocation and lockout checks
 * answer 503, so the instance should leave the load balancer (terminus 12: HealthIndicatorService).
 * While the circuit breaker is open the answer is immediate (no ping that would wait for the
 * command deadline) and says `circuit: open`; the breaker's background probe decides recovery.
 */
@Injectable()
export class RedisHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    @Inject(SHARED_STATE_CIRCUIT) private readonly circuit: SharedStateCircuit | null,
  ) {}

  get configured(): boolean {
    return this.circuit !== null;
  }

  async pingCheck(key: 'redis'): Promise<HealthIndicatorResult<'redis'>> {
    const check = this.indicators.check(key);
    if (this.circuit === null) return check.up();
    if (this.circuit.degraded) return check.down({ circuit: 'open' });
    try {
      await this.circuit.ping();
      return check.up({ circuit: 'closed' });
    } catch {
      // The cause is logged by the store; the probe only says up or down.
      return check.down({ circuit: this.circuit.degraded ? 'open' : 'closed' });
    }
  }
}
