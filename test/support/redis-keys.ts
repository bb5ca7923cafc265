import { Redis } from 'ioredis';

/** Looks at (and cleans up) one deployment's keys in the test Redis, by prefix. */
export class RedisKeys {
  private readonly client: Redis;

  constructor(url: string) {
    this.client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  }

  async list(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  pttl(key: string): Promise<number> {
    return this.client.pttl(key);
  }

  async clear(prefix: string): Promise<void> {
    const keys = await this.list(prefix);
    if (keys.length > 0) await this.client.del(...keys);
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
