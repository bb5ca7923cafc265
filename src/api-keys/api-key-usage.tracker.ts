import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { PinoLogger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { MetricsRegistry } from '../metrics/metrics.registry.js';
import { ApiKey } from './api-key.entity.js';

interface PendingUse {
  count: number;
  lastUsedAt: Date;
  lastUsedIp: string | null;
}

const FLUSH_INTERVAL_MS = 1000;

/**
 * Usage monitoring without a database write per request: uses are summed in memory and written
 * once a second per key (useCount = useCount + n, so several instances add up correctly), and
 * on shutdown. lastUsedAt is therefore accurate to about a second (ASVS 16.1 / OWASP API9).
 */
@Injectable()
export class ApiKeyUsageTracker implements OnModuleDestroy {
  private pending = new Map<string, PendingUse>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly logger: PinoLogger,
    private readonly metrics: MetricsRegistry,
  ) {
    this.logger.setContext('ApiKeyUsageTracker');
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  record(keyId: string, ip: string | undefined): void {
    this.metrics.apiKeyRequests.inc({ key_id: keyId });
    const entry = this.pending.get(keyId);
    if (entry) {
      entry.count += 1;
      entry.lastUsedAt = new Date();
      entry.lastUsedIp = ip ?? null;
    } else {
      this.pending.set(keyId, { count: 1, lastUsedAt: new Date(), lastUsedIp: ip ?? null });
    }
  }

  async flush(): Promise<void> {
    if (this.pending.size === 0 || !this.dataSource.isInitialized) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      for (const [id, use] of batch) {
        await this.dataSource
          .createQueryBuilder()
          .update(ApiKey)
          .set({ useCount: () => `use_count + ${Number(use.count)}`, lastUsedAt: use.lastUsedAt, lastUsedIp: use.lastUsedIp })
          .where('id = :id', { id })
          .execute();
      }
    } catch (error) {
      this.logger.error({ err: error }, 'could not record API key usage');
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
