import { loadavg } from 'node:os';
import type { AppCopy } from './app-copy.js';
import { fetchMetrics, histogram } from './fixtures.js';
import { closedLoop, loginFlood, openLoop, type RequestShape } from './load.js';
import { postgresCpuBetween, postgresCpuSnapshot } from './processes.js';
import { fixed, median } from './stats.js';

export interface AbSettings {
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly closedSeconds: number;
  readonly pacedSettleSeconds: number;
  readonly pacedSeconds: number;
  readonly pacedRate: number;
  readonly connections: number;
}

export const AB_SETTINGS: { readonly quick: AbSettings; readonly full: AbSettings } = {
  quick: {
    rounds: 1,
    warmupSeconds: 1,
    closedSeconds: 2,
    pacedSettleSeconds: 1,
    pacedSeconds: 2,
    pacedRate: 500,
    connections: 32,
  },
  full: {
    rounds: 3,
    warmupSeconds: 5,
    closedSeconds: 6,
    pacedSettleSeconds: 2,
    pacedSeconds: 4,
    pacedRate: 500,
    connections: 32,
  },
};

interface Sample {
  readonly appUs: number;
  readonly postgresUs: number;
  readonly rps: number;
  readonly peakRssMb: number;
  readonly pacedP99: number;
}

/** The secured routes every A/B measures, on one copy. */
export function securedShapes(copy: AppCopy): Record<string, RequestShape> {
  const note = `${copy.base}/api/v1/notes/${copy.fixtures.noteId}`;
  const bearer = { authorization: `Bearer ${copy.fixtures.bearer}` };
  return {
    'note read, bearer': { method: 'GET', url: note, headers: bearer },
    'note read, API key': { method: 'GET', url: note, headers: { 'x-api-key': copy.fixtures.apiKey } },
    'note create': {
      method: 'POST',
      url: `${copy.base}/api/v1/notes`,
      headers: bearer,
      body: JSON.stringify({ title: 'Benchmark note', body: 'A note body of a realistic length. '.repeat(8) }),
    },
  };
}

/**
 * The measuring loop of the A/B benchmarks (bench/pg-ab.ts, bench/heap-ab.ts): copies of the app
 * started side by side, every round measuring every copy on every target in turn (order reversed
 * every other round, so a drift of the machine hits all alike). Per measurement: closed loop for
 * the app's CPU per request, PostgreSQL's (when `postgres`), req/s and peak RSS; then a paced
 * rate, after an unrecorded settling period, for the p99 from the scheduled send time. Prints
 * the medians as a Markdown table, the first copy being the one every ratio is relative to.
 */
export async function runAb(
  copies: readonly AppCopy[],
  settings: AbSettings,
  options: { readonly postgres: boolean; readonly loginWarmupSeconds?: number },
): Promise<void> {
  const loadAtStart = loadavg()[0]!;
  const targets = Object.keys(securedShapes(copies[0]!));
  for (const copy of copies) {
    // Logins first, as in `npm run bench`: argon2id's memory (19 MiB a hash, native) stays in the
    // process's resident set afterwards, which is part of what a peak RSS budget must hold.
    if (options.loginWarmupSeconds) {
      await loginFlood(
        { method: 'POST', url: `${copy.base}/api/v1/auth/login`, body: JSON.stringify(copy.fixtures.user) },
        { method: 'GET', url: `${copy.base}/health/live` },
        securedShapes(copy)['note read, bearer']!,
        { connections: 8, seconds: options.loginWarmupSeconds, probeRate: 50, serverPid: copy.proc.pid },
      );
    }
    for (const target of targets)
      await closedLoop(securedShapes(copy)[target]!, settings.connections, settings.warmupSeconds, copy.proc.pid);
  }
  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? copies : [...copies].reverse();
    for (const target of targets) {
      for (const copy of order) {
        const shape = securedShapes(copy)[target]!;
        const before = options.postgres ? postgresCpuSnapshot() : undefined;
        const closed = await closedLoop(shape, settings.connections, settings.closedSeconds, copy.proc.pid);
        const postgresMs = before ? postgresCpuBetween(before, postgresCpuSnapshot()) : Number.NaN;
        if (closed.failed > 0) throw new Error(`${copy.name} ${target}: ${closed.failed} requests failed`);
        await openLoop(shape, settings.pacedRate, settings.pacedSettleSeconds, copy.proc.pid);
        const paced = await openLoop(shape, settings.pacedRate, settings.pacedSeconds, copy.proc.pid);
        if (paced.failed > 0) throw new Error(`${copy.name} ${target} (paced): ${paced.failed} requests failed`);
        const sample: Sample = {
          appUs: closed.cpuPerRequestUs,
          postgresUs: (postgresMs * 1000) / (closed.rps * settings.closedSeconds),
          rps: closed.rps,
          peakRssMb: Math.max(closed.peakRssBytes, paced.peakRssBytes) / 2 ** 20,
          pacedP99: paced.p99,
        };
        const key = `${target}|${copy.name}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
        console.log(
          `round ${round + 1}/${settings.rounds} ${target}, ${copy.name}: app ${fixed(sample.appUs, 0)} µs/req` +
            (options.postgres ? `, PostgreSQL ${fixed(sample.postgresUs, 0)} µs/req` : '') +
            `, ${fixed(sample.rps, 0)} req/s, peak RSS ${fixed(sample.peakRssMb, 0)} MB, paced p99 ${fixed(sample.pacedP99)} ms`,
        );
      }
    }
  }

  console.log(
    `\nmedians of ${settings.rounds} rounds (paced p99: each round), load average ${fixed(loadAtStart)} → ${fixed(loadavg()[0]!)}; ` +
      `CPU per request and peak RSS at saturation (closed loop, ${settings.connections} connections), p99 under a paced ${settings.pacedRate} req/s`,
  );
  console.log(
    `| target | variant | app CPU µs/req |${options.postgres ? ' PostgreSQL CPU µs/req |' : ''} req/s | × first (req/s) | peak RSS MB | paced p99 ms |`,
  );
  console.log(`| --- | --- | --- |${options.postgres ? ' --- |' : ''} --- | --- | --- | --- |`);
  for (const target of targets) {
    const of = (name: string, pick: (s: Sample) => number) => median((samples.get(`${target}|${name}`) ?? []).map(pick));
    const firstRps = of(copies[0]!.name, (s) => s.rps);
    for (const { name } of copies) {
      const rounds = (samples.get(`${target}|${name}`) ?? []).map((s) => fixed(s.pacedP99)).join(', ');
      console.log(
        `| ${target} | ${name} | ${fixed(
          of(name, (s) => s.appUs),
          0,
        )} |` +
          (options.postgres
            ? ` ${fixed(
                of(name, (s) => s.postgresUs),
                0,
              )} |`
            : '') +
          ` ${fixed(
            of(name, (s) => s.rps),
            0,
          )} | ${fixed(of(name, (s) => s.rps) / firstRps, 2)} | ${fixed(
            of(name, (s) => s.peakRssMb),
            0,
          )} | ${rounds} |`,
      );
    }
  }
  console.log('\naudit group commit over the whole run, per copy (GET /metrics):');
  console.log('| variant | commits | events per commit | commit mean ms |');
  console.log('| --- | --- | --- | --- |');
  for (const copy of copies) {
    const text = await fetchMetrics(copy.base, copy.fixtures.metricsKey);
    const batches = histogram(text, 'audit_batch_size');
    const commits = histogram(text, 'audit_commit_seconds');
    console.log(
      `| ${copy.name} | ${batches?.count ?? 0} | ${fixed(batches?.mean ?? Number.NaN)} | ${fixed((commits?.mean ?? Number.NaN) * 1000, 2)} |`,
    );
  }
}
