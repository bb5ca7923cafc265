import { Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { DrainingExpressAdapter } from '../lifecycle/draining-express-adapter.js';

/**
 * Down from the moment shutdown starts draining (src/lifecycle/http-drain.ts): a load balancer
 * polling /health/ready over a kept-alive connection takes the instance out before it goes.
 */
@Injectable()
export class ShutdownHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly adapterHost: HttpAdapterHost,
  ) {}

  check(key: 'shutdown'): HealthIndicatorResult<'shutdown'> {
    const adapter = this.adapterHost.httpAdapter;
    const draining = adapter instanceof DrainingExpressAdapter && adapter.draining;
    return draining ? this.indicators.check(key).down() : this.indicators.check(key).up();
  }
}
