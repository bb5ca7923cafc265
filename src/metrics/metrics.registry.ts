import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The application's Prometheus registry. One per app instance (not prom-client's global
 * default), so several apps in one process (the tests) never share or collide on metrics.
 * Feature code records through the named metrics here. Labels are bounded sets only (route
 * templates, never raw URLs or client addresses), so series cannot grow without bound.
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

  readonly httpRequests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP responses, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from the first byte of a request to the end of its response, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly authFailures = new Counter({
    name: 'auth_failures_total',
    help: 'Refused authentications (401), by kind: login, refresh, bearer, api_key, oidc_bearer or missing.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  readonly throttledRequests = new Counter({
    name: 'throttled_requests_total',
    help: 'Requests refused with 429 by a rate limit, by throttler (default or auth).',
    labelNames: ['throttler'] as const,
    registers: [this.registry],
  });

  readonly securityEvents = new Counter({
    name: 'security_events_total',
    help: 'Security events detected, by type.',
    labelNames: ['type'] as const,
    registers: [this.registry],
  });

  readonly securityEventsDropped = new Counter({
    name: 'security_events_dropped_total',
    help: 'Security events logged but not stored because the write buffer was full or the database failed.',
    registers: [this.registry],
  });

  readonly clientsBlocked = new Counter({
    name: 'ids_clients_blocked_total',
    help: 'Blocks imposed by intrusion detection on a client address.',
    registers: [this.registry],
  });

  readonly blockedRequests = new Counter({
    name: 'ids_blocked_requests_total',
    help: 'Requests refused because their client address is blocked.',
    registers: [this.registry],
  });

  readonly sharedStateDegraded = new Gauge({
    name: 'shared_state_degraded',
    help: '1 while the Redis circuit breaker is open (Redis not answering: per-instance counters, revocation-dependent requests refused at once), else 0.',
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
