import type { OnModuleDestroy } from '@nestjs/common';
import type { StateStore } from './state-store.js';

interface Entry {
  value: string;
  expiresAt: number;
}

/**
 * Single-instance adapter: a Map with per-entry expiry, O(1) per operation. Expired entries are
 * dropped when read and by a periodic sweep, so memory stays bounded by live entries.
 */
export class InMemoryStateStore implements StateStore, OnModuleDestroy {
  private readonly entries = new Map<string, Entry>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly now: () => number = Date.now,
    sweepIntervalMs = 30_000,
  ) {
    this.sweeper = setInterval(() => this.sweep(), sweepIntervalMs);
    this.sweeper.unref();
  }

  async get(key: string): Promise<string | undefined> {
    return this.live(key)?.value;
  }

  async set(key: string, value: string, ttlSeconds: number): Promise<void> {
    this.entries.set(key, { value, expiresAt: this.now() + ttlSeconds * 1000 });
  }

  async increment(key: string, ttlSeconds: number): Promise<number> {
    const entry = this.live(key);
    const count = entry ? Number(entry.value) + 1 : 1;
    this.entries.set(key, { value: String(count), expiresAt: entry?.expiresAt ?? this.now() + ttlSeconds * 1000 });
    return count;
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  private live(key: string): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}
