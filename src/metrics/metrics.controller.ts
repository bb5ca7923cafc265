import { Controller, Get, Res } from '@nestjs/common';
import { ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Scopes } from '../auth/access/access.decorators.js';
import { MetricsRegistry } from './metrics.registry.js';

/**
 * Prometheus scrape endpoint (API.md §7). Metrics reveal traffic, key ids and internals, so only
 * an API key with `metrics:read` (admin owners only) may read them (OWASP API8:2023).
 */
@ApiTags('operations')
@ApiSecurity('apiKey')
@Scopes('metrics:read')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsRegistry) {}

  @Get()
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.contentType);
    res.setHeader('Cache-Control', 'no-store');
    res.send(await this.metrics.text());
  }
}
