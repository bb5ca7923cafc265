import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Registry } from 'prom-client';

/**
 * The application's Prometheus registry. One per app instance (not prom-client's global
 * default), so several apps in one process (the tests) never share or collide on metrics.
 * Feature code records through the named metrics here.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();

  readonly apiKeyRequests = new Counter({
    name: 'api_key_requests_total',
    help: 'Requests authenticated with an API key, by key id.',
    labelNames: ['key_id'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
