import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PacedRequest {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text sent as the body (Content-Type: application/json is added). */
  readonly body?: string;
}

export interface PacedOptions extends PacedRequest {
  /** Requests per second, fixed: the i-th request is due at start + i / rate, whatever came back. */
  readonly rate: number;
  readonly durationMs: number;
  /** How long to wait for the stragglers after the last send before counting them as errors. */
  readonly drainTimeoutMs?: number;
}

export interface PacedResult {
  readonly rate: number;
  readonly durationMs: number;
  readonly sent: number;
  readonly ok: number;
  /** Non-2xx responses, transport errors and requests still unanswered at the end. */
  readonly failed: number;
  readonly statuses: Readonly<Record<string, number>>;
  /** Latency of every 2xx response in ms, measured from its scheduled send time. */
  readonly latencies: Float64Array;
}

/**
 * An open-loop load generator: requests are sent on a fixed schedule, and each latency is
 * measured from the time the request was *due*, not from when it actually left. A closed-loop
 * tool (autocannon, even with a rate) waits for answers before sending more, so a server that
 * stalls also slows the client down and the stall hides in fewer, not slower, samples
 * ("coordinated omission"). Here a stall shows up in the latency of every request scheduled
 * during it. Bounded: it stops sending after durationMs and waits at most drainTimeoutMs.
 */
export async function paced(options: PacedOptions): Promise<PacedResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 512, maxFreeSockets: 512 });
  const url = new URL(options.url);
  const body = options.body === undefined ? undefined : Buffer.from(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (body) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
  }
  const interval = 1000 / options.rate;
  const total = Math.floor((options.durationMs / 1000) * options.rate);
  const latencies = new Float64Array(total);
  const statuses: Record<string, number> = {};
  let sent = 0;
  let ok = 0;
  let settled = 0;

  const count = (key: string) => (statuses[key] = (statuses[key] ?? 0) + 1);
  const fire = (dueAt: number) => {
    const req = request(
      { agent, host: url.hostname, port: url.port, path: url.pathname + url.search, method: options.method ?? 'GET', headers },
      (res) => {
        res.resume();
        res.on('end', () => {
          settled++;
          const status = res.statusCode ?? 0;
          count(String(status));
          if (status >= 200 && status < 300) latencies[ok++] = performance.now() - dueAt;
        });
      },
    );
    req.on('error', () => {
      settled++;
      count('error');
    });
    req.end(body);
  };

  const start = performance.now() + 5;
  while (sent < total) {
    const now = performance.now();
    // Everything due by now goes out now; its latency still counts from when it was due.
    while (sent < total && start + sent * interval <= now) fire(start + sent++ * interval);
    const nextDue = start + sent * interval;
    await sleep(Math.max(0, Math.min(1, nextDue - performance.now())));
  }
  const drainUntil = performance.now() + (options.drainTimeoutMs ?? 10_000);
  while (settled < sent && performance.now() < drainUntil) await sleep(5);
  agent.destroy();
  if (settled < sent) statuses.unanswered = sent - settled;
  return {
    rate: options.rate,
    durationMs: options.durationMs,
    sent,
    ok,
    failed: sent - ok,
    statuses,
    latencies: latencies.slice(0, ok),
  };
}
