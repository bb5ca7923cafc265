import { isIP } from 'node:net';
import { normalizeIp } from '@nestjs/throttler';

/**
 * The client address that limits and blocks are keyed on: Express's req.ip, which is the socket
 * address unless TRUST_PROXY names the proxies whose X-Forwarded-For counts (src/configure-app.ts),
 * so a client cannot choose its own key by sending the header (OWASP API4:2023).
 * IPv4-mapped IPv6 is folded to IPv4; IPv6 is keyed by its /64, since one host usually holds a
 * whole /64 and could otherwise rotate through 2^64 addresses to escape a limit.
 */
export function clientAddress(ip: string | undefined): string {
  if (ip === undefined || ip === '') return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped !== undefined) return mapped;
  return isIP(ip) === 6 ? normalizeIp(ip, 64) : ip;
}
