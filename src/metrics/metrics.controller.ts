import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { Registry } from 'prom-client';
import { Scopes } from '../access/access.decorators.js';
import { Audited } from '../access/audited.decorator.js';
import { MetricsRegistry } from './metrics.registry.js';

/**
 * Prometheus scrape endpoint (docs/http-contract.md#metrics). Metrics reveal traffic, key ids and internals, so only
 * an API key with `metrics:read` (admin owners only) may read them (OWASP API8:2023).
 */
@ApiTags('operations')
@Scopes('metrics:read')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  /** Returned, not written with @Res(), so the response passes the audit interceptor like any other. */
  @Audited('metrics.read')
  @ApiOperation({ summary: 'Prometheus metrics (text exposition format)' })
  @ApiOkResponse({ description: 'The metrics.', content: { 'text/plain': { schema: { type: 'string' } } } })
  @Get()
  @Header('Content-Type', Registry.PROMETHEUS_CONTENT_TYPE)
  @Header('Cache-Control', 'no-store')
  scrape(): Promise<string> {
    return this.metrics.text();
  }
}
