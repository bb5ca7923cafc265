import autocannon from 'autocannon';
import { paced, type PacedRequest, type PacedResult } from './open-loop.js';
import { cpuTimeMs, PeakRss } from './processes.js';
import { percentile } from './stats.js';

/** One measured request shape: where it goes and what it carries. */
export interface RequestShape extends PacedRequest {
  readonly method: 'GET' | 'POST';
}

export interface ClosedLoopResult {
  /** 2xx responses per second. */
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  /** Responses that were not 2xx, plus transport errors (timeouts included). */
  readonly failed: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Transport errors and timeouts (no status). */
  readonly errors: number;
  /** Server CPU time (user + system) per answered request, in µs. */
  readonly cpuPerRequestUs: number;
  readonly peakRssBytes: number;
}

export interface PacedSummary {
  readonly rate: number;
  readonly sent: number;
  readonly failed: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: Readonly<Record<string, number>>;
  readonly peakRssBytes: number;
}

/**
 * Closed loop (autocannon): `connections` clients each send the next request as soon as the
 * previous answer arrives, for `seconds`: the server's throughput at saturation. autocannon
 * records latency in whole milliseconds.
 */
export async function closedLoop(
  shape: RequestShape,
  connections: number,
  seconds: number,
  serverPid: number,
): Promise<ClosedLoopResult> {
  const rss = new PeakRss(serverPid);
  rss.start();
  const cpuBefore = cpuTimeMs(serverPid);
  const result = await autocannon({
    url: shape.url,
    method: shape.method,
    headers: { ...shape.headers, ...(shape.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(shape.body === undefined ? {} : { body: shape.body }),
    connections,
    duration: seconds,
    pipelining: 1,
    timeout: 10,
  });
  const cpuMs = cpuTimeMs(serverPid) - cpuBefore;
  const peakRssBytes = rss.stop();
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(
    (result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats ?? {},
  )) {
    statuses[status] = count;
  }
  const ok = (result as unknown as Record<string, number>)['2xx'] ?? 0;
  const answered = Object.values(statuses).reduce((sum, count) => sum + count, 0);
  return {
    rps: ok / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    failed: result.non2xx + result.errors,
    statuses,
    errors: result.errors,
    cpuPerRequestUs: answered > 0 ? (cpuMs * 1000) / answered : Number.NaN,
    peakRssBytes,
  };
}

export function summarisePaced(result: PacedResult, peakRssBytes: number): PacedSummary {
  return {
    rate: result.rate,
    sent: result.sent,
    failed: result.failed,
    p50: percentile(result.latencies, 50),
    p99: percentile(result.latencies, 99),
    max: result.latencies.length === 0 ? Number.NaN : Math.max(...result.latencies),
    statuses: result.statuses,
    peakRssBytes,
  };
}

/** Open loop at a fixed rate (open-loop.ts), latency from each request's scheduled send time. */
export async function openLoop(shape: RequestShape, rate: number, seconds: number, serverPid: number): Promise<PacedSummary> {
  const rss = new PeakRss(serverPid);
  rss.start();
  const result = await paced({ ...shape, rate, durationMs: seconds * 1000 });
  return summarisePaced(result, rss.stop());
}

export interface LoginFloodResult {
  readonly loginsPerSecond: number;
  /** Logins refused as over capacity (503/429) per second: the bounded hashing queue at work. */
  readonly refusedPerSecond: number;
  readonly loginStatuses: Readonly<Record<string, number>>;
  readonly loginErrors: number;
  readonly loginP50: number;
  readonly loginP99: number;
  readonly health: PacedSummary;
  readonly read: PacedSummary;
  readonly peakRssBytes: number;
}

/**
 * A login flood (closed loop, `connections` clients logging in with the right password) while
 * two paced probes run: GET /health/live and an authenticated note read, `probeRate` each.
 * Measures logins/s and whether the rest of the service stays responsive meanwhile.
 */
export async function loginFlood(
  login: RequestShape,
  health: RequestShape,
  read: RequestShape,
  options: { connections: number; seconds: number; probeRate: number; serverPid: number },
): Promise<LoginFloodResult> {
  const rss = new PeakRss(options.serverPid);
  rss.start();
  const [flood, healthProbe, readProbe] = await Promise.all([
    autocannon({
      url: login.url,
      method: 'POST',
      headers: { ...login.headers, 'content-type': 'application/json' },
      body: login.body ?? '',
      connections: options.connections,
      duration: options.seconds,
      pipelining: 1,
      timeout: 30,
    }),
    paced({ ...health, rate: options.probeRate, durationMs: options.seconds * 1000 }),
    paced({ ...read, rate: options.probeRate, durationMs: options.seconds * 1000 }),
  ]);
  const peakRssBytes = rss.stop();
  const statuses: Record<string, number> = {};
  for (const [status, { count }] of Object.entries(
    (flood as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats ?? {},
  )) {
    statuses[status] = count;
  }
  return {
    loginsPerSecond: (statuses['200'] ?? 0) / flood.duration,
    refusedPerSecond: ((statuses['503'] ?? 0) + (statuses['429'] ?? 0)) / flood.duration,
    loginStatuses: statuses,
    loginErrors: flood.errors,
    loginP50: flood.latency.p50,
    loginP99: flood.latency.p99,
    health: summarisePaced(healthProbe, peakRssBytes),
    read: summarisePaced(readProbe, peakRssBytes),
    peakRssBytes,
  };
}
