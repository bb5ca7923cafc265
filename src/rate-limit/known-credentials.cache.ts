const MAX_ENTRIES = 10_000;
const TTL_MS = 15 * 60 * 1000;

interface Entry {
  readonly tracker: string;
  readonly expiresAt: number;
}

/**
 * Credential fingerprints that authenticated on this instance, mapped to their user or key
 * tracker (see client-tracker.ts). A least-recently-used map of at most 10,000 entries that
 * expire after 15 minutes (an access token's default lifetime): O(1) per request, bounded
 * memory, and a revoked credential is forgotten soon. Per instance on purpose: it only decides
 * which bucket a request counts against; the buckets themselves are shared.
 */
export class KnownCredentials {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly now: () => number = Date.now) {}

  trackerOf(fingerprint: string): string | undefined {
    const entry = this.entries.get(fingerprint);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(fingerprint);
      return undefined;
    }
    // Re-insert to mark it most recently used.
    this.entries.delete(fingerprint);
    this.entries.set(fingerprint, entry);
    return entry.tracker;
  }

  remember(fingerprint: string, tracker: string): void {
    this.entries.delete(fingerprint);
    this.entries.set(fingerprint, { tracker, expiresAt: this.now() + TTL_MS });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
