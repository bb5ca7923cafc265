import ipaddr from 'ipaddr.js';
import type { AppConfig } from './app-config.js';
import { ConfigError } from './config-error.js';
import { readList, type Env } from './env-parsers.js';

/**
 * CORS_ORIGINS: each entry exactly as a browser sends it in `Origin`, `scheme://host[:port]`
 * with http or https. The cors middleware compares strings, so anything else is either a
 * footgun or dead: "null" would allow sandboxed iframes and file: pages (Access-Control-Allow-
 * Origin: null), a wildcard is not a pattern there, and a trailing slash, a path, an upper-case
 * host or a default port never match (OWASP API8:2023, ASVS 3.4.2 / 4.1.x).
 */
export function parseCorsOrigins(env: Env): string[] {
  const origins = readList(env, 'CORS_ORIGINS');
  for (const entry of origins) {
    if (entry.includes('*')) {
      throw new ConfigError('CORS_ORIGINS', `must list explicit origins; "${entry}" is a wildcard (OWASP API8)`);
    }
    let url: URL;
    try {
      url = new URL(entry);
    } catch {
      throw new ConfigError(
        'CORS_ORIGINS',
        `"${entry}" is not an origin: use scheme://host[:port], e.g. https://app.example.com`,
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new ConfigError('CORS_ORIGINS', `"${entry}" is not an http or https origin`);
    }
    if (url.origin !== entry) {
      throw new ConfigError('CORS_ORIGINS', `"${entry}" is not an origin as browsers send it; did you mean "${url.origin}"?`);
    }
  }
  return origins;
}

/** proxy-addr's names for private ranges (express `trust proxy`). */
const TRUST_PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/**
 * The widest ranges accepted. A trusted proxy's X-Forwarded-For picks the client address that
 * rate limits, lockouts, the IDS and API-key allowlists see; trusting 0.0.0.0/0 (or two /1
 * halves) would let any client choose its own address. No real proxy fleet needs more than a /8.
 */
const MIN_PREFIX = { ipv4: 8, ipv6: 16 } as const;

function parseTrustedRange(entry: string): void {
  const [address = '', prefix, extra] = entry.split('/');
  const refuse = (why: string) => new ConfigError('TRUST_PROXY', `"${entry}" ${why}`);
  const kind: 'ipv4' | 'ipv6' | undefined = ipaddr.IPv4.isValidFourPartDecimal(address)
    ? 'ipv4'
    : ipaddr.IPv6.isValid(address) && !address.includes('%')
      ? 'ipv6'
      : undefined;
  if (kind === undefined || extra !== undefined || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
    throw refuse('is not a hop count, an IP, a CIDR or loopback/linklocal/uniquelocal');
  }
  if (prefix === undefined) return;
  const bits = Number(prefix);
  if (bits > (kind === 'ipv4' ? 32 : 128)) throw refuse('has a prefix length beyond the address size');
  // An IPv4-mapped IPv6 range (::ffff:0:0/96) is an IPv4 range in disguise.
  const mapped = kind === 'ipv6' && (ipaddr.parse(address) as ipaddr.IPv6).isIPv4MappedAddress();
  const effective: { family: 'ipv4' | 'ipv6'; bits: number } = mapped
    ? { family: 'ipv4', bits: bits - 96 }
    : { family: kind, bits };
  if (effective.bits < MIN_PREFIX[effective.family]) {
    throw refuse(
      `trusts too wide a range: any client there could forge X-Forwarded-For; list your proxies (at most a /${MIN_PREFIX[effective.family]})`,
    );
  }
}

/** "true" would trust any X-Forwarded-For: refused, so a spoofed header can never pick the client IP. */
export function parseTrustProxy(raw: string | undefined): AppConfig['trustProxy'] {
  if (raw === undefined || ['off', 'false', '0'].includes(raw.toLowerCase())) return false;
  if (/^\d+$/.test(raw)) return Number(raw);
  const entries = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  for (const entry of entries) if (!TRUST_PROXY_NAMES.has(entry)) parseTrustedRange(entry);
  return entries;
}
