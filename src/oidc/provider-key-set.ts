import { createLocalJWKSet, errors, type FlattenedJWSInput, type JSONWebKeySet, type JWSHeaderParameters } from 'jose';

/** No usable key: the provider could not be reached (or answered nonsense) and nothing is cached. */
export class ProviderUnreachableError extends Error {
  constructor() {
    super('the OpenID provider’s keys are unavailable');
    this.name = 'ProviderUnreachableError';
  }
}

export interface ProviderKeySetOptions {
  /** OIDC_ISSUER, exactly as configured. */
  readonly issuer: string;
  /** Whether jwks_uri must be https (production). */
  readonly requireHttps: boolean;
  /** At most one fetch (discovery + JWKS) starts per this interval, whatever the traffic. */
  readonly cooldownMs: number;
  readonly timeoutMs?: number;
}

/** Bounds on how long a fetched key set counts as fresh, whatever the provider's Cache-Control says. */
const DEFAULT_MAX_AGE_MS = 10 * 60_000;
const LONGEST_MAX_AGE_MS = 24 * 3_600_000;
/** While the provider is unreachable, expired keys keep verifying this much longer (stale-if-error). */
const STALE_IF_ERROR_MS = 24 * 3_600_000;

export interface ProviderKeyStatus {
  /** A key set is held and usable (fresh, or stale while the provider is unreachable). */
  readonly keys: 'fresh' | 'stale' | 'none';
  /** Outcome of the most recent fetch. */
  readonly provider: 'reachable' | 'unreachable' | 'unknown';
}

/**
 * The provider's signing keys, for jose's jwtVerify (jose selects the key and verifies; this class
 * only decides when to fetch). Why not jose's createRemoteJWKSet: its cooldown counts from the last
 * *successful* fetch, so while the provider is down every request (and every junk `kid`) starts a
 * new fetch and waits for its timeout; it throws away expired keys even when the provider cannot
 * be reached; and it ignores the provider's Cache-Control. Here:
 * - one fetch at a time, and at most one started per cooldown interval, success or not: a flood of
 *   unknown `kid`s costs the provider at most one request per interval (docs/oauth-oidc.md);
 * - freshness from the JWKS response's `Cache-Control: max-age` (bounded), else 10 minutes;
 * - when a refresh fails, the keys already held keep working for a day past their freshness
 *   (stale-if-error); with no key at all, verification fails closed;
 * - every fetch is bounded: 5 s, 256 KiB, no redirects, a 200 with JSON or nothing.
 * Discovery (OpenID Connect Discovery §4) runs once, and its `issuer` must equal OIDC_ISSUER exactly.
 */
export class ProviderKeySet {
  private jwksUri: URL | undefined;
  private local: ReturnType<typeof createLocalJWKSet> | undefined;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private maxAgeMs = DEFAULT_MAX_AGE_MS;
  private lastAttemptAt = Number.NEGATIVE_INFINITY;
  private lastOutcome: ProviderKeyStatus['provider'] = 'unknown';
  private pending: Promise<void> | undefined;
  /** Fetches started (discovery and JWKS together count as one): what the tests and metrics read. */
  fetches = 0;

  constructor(private readonly options: ProviderKeySetOptions) {}

  /** jose's key-resolver signature: called with the token's protected header. */
  readonly resolve = async (header: JWSHeaderParameters, token: FlattenedJWSInput) => {
    if (this.local === undefined || !this.isFresh()) await this.refresh();
    const local = this.usable();
    try {
      return await local(header, token);
    } catch (error) {
      // An unknown kid: perhaps the provider rotated. One refetch, unless one started within the cooldown.
      if (!(error instanceof errors.JWKSNoMatchingKey)) throw error;
      if (!(await this.refresh())) throw error;
      return this.usable()(header, token);
    }
  };

  /** For readiness: fetches once if nothing is held yet (within the cooldown), then reports. */
  async status(): Promise<ProviderKeyStatus> {
    if (this.local === undefined) await this.refresh();
    const keys = this.local === undefined ? 'none' : this.isFresh() ? 'fresh' : this.withinStaleLimit() ? 'stale' : 'none';
    return { keys, provider: this.lastOutcome };
  }

  private isFresh(): boolean {
    return Date.now() < this.fetchedAt + this.maxAgeMs;
  }

  private withinStaleLimit(): boolean {
    return Date.now() < this.fetchedAt + this.maxAgeMs + STALE_IF_ERROR_MS;
  }

  private usable(): ReturnType<typeof createLocalJWKSet> {
    if (this.local === undefined || !this.withinStaleLimit()) throw new ProviderUnreachableError();
    return this.local;
  }

  /**
   * Starts a fetch unless one is running (then waits for it) or one started within the cooldown.
   * Resolves true when a fetch ran (successfully or not) for this call, false when it was skipped.
   */
  private async refresh(): Promise<boolean> {
    if (this.pending === undefined) {
      if (Date.now() - this.lastAttemptAt < this.options.cooldownMs) return false;
      this.lastAttemptAt = Date.now();
      this.fetches += 1;
      this.pending = this.fetchKeys()
        .then(
          () => void (this.lastOutcome = 'reachable'),
          () => void (this.lastOutcome = 'unreachable'),
        )
        .finally(() => (this.pending = undefined));
    }
    await this.pending;
    return true;
  }

  private async fetchKeys(): Promise<void> {
    this.jwksUri ??= await this.discover();
    const response = await this.get(this.jwksUri, 'application/jwk-set+json, application/json');
    const jwks = (await boundedJson(response)) as JSONWebKeySet;
    // createLocalJWKSet validates the set's shape; a malformed answer keeps the keys held before.
    const local = createLocalJWKSet(jwks);
    this.local = local;
    this.fetchedAt = Date.now();
    this.maxAgeMs = maxAgeOf(response.headers.get('cache-control'), this.options.cooldownMs);
  }

  private async discover(): Promise<URL> {
    const base = this.options.issuer.replace(/\/$/, '');
    const response = await this.get(new URL(`${base}/.well-known/openid-configuration`), 'application/json');
    const metadata = (await boundedJson(response)) as { issuer?: unknown; jwks_uri?: unknown };
    // A document for another issuer would let that issuer's keys sign "our" provider's tokens.
    if (metadata.issuer !== this.options.issuer) throw new Error('discovery issuer mismatch');
    if (typeof metadata.jwks_uri !== 'string') throw new Error('discovery without jwks_uri');
    const jwksUri = new URL(metadata.jwks_uri);
    if (jwksUri.protocol !== 'https:' && (this.options.requireHttps || jwksUri.protocol !== 'http:'))
      throw new Error('jwks_uri is not https');
    return jwksUri;
  }

  private async get(url: URL, accept: string): Promise<Response> {
    const response = await fetch(url, {
      headers: { accept },
      // A redirect could take the key fetch to another host; the provider's URLs are used as published.
      redirect: 'manual',
      signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
    });
    if (response.status !== 200) throw new Error(`unexpected status ${response.status}`);
    return response;
  }
}

/** Neither document is anywhere near this size; a larger answer is refused, not buffered. */
const MAX_DOCUMENT_BYTES = 256 * 1024;

async function boundedJson(response: Response): Promise<unknown> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOCUMENT_BYTES || response.body === null) throw new Error('response too large or empty');
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_DOCUMENT_BYTES) throw new Error('response too large');
    chunks.push(chunk);
  }
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
}

/** `Cache-Control: max-age=N` (no-store/no-cache: as short as the cooldown), bounded to [cooldown, 24 h]. */
function maxAgeOf(cacheControl: string | null, cooldownMs: number): number {
  if (cacheControl === null) return DEFAULT_MAX_AGE_MS;
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/i.test(cacheControl)) return cooldownMs;
  const seconds = /(?:^|,)\s*max-age\s*=\s*"?(\d{1,9})"?\s*(?:,|$)/i.exec(cacheControl)?.[1];
  if (seconds === undefined) return DEFAULT_MAX_AGE_MS;
  return Math.min(Math.max(Number(seconds) * 1000, cooldownMs), LONGEST_MAX_AGE_MS);
}
