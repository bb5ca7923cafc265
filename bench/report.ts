import type { HistogramSummary } from './fixtures.js';
import type { ClosedLoopResult, LoginFloodResult, PacedSummary } from './load.js';
import { fixed, formatSpread, spread, type Spread } from './stats.js';

export interface Settings {
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly closedSeconds: number;
  readonly loginSeconds: number;
  /** Unrecorded paced run before each paced measurement. */
  readonly pacedSettleSeconds: number;
  readonly pacedSeconds: number;
  readonly pacedRate: number;
  readonly connections: number;
  readonly loginConnections: number;
  readonly probeRate: number;
}

export type ThroughputTarget = 'reference' | 'referenceFastify' | 'health' | 'noteReadBearer' | 'noteReadApiKey' | 'noteCreate';

/** The unsecured hello apps: not the app, so not in its budgets or its peak RSS. */
export function isReference(target: string): boolean {
  return target === 'reference' || target === 'referenceFastify';
}

export interface Measurements {
  readonly closed: Partial<Record<ThroughputTarget, ClosedLoopResult[]>>;
  readonly paced: Partial<Record<ThroughputTarget, PacedSummary[]>>;
  readonly login: LoginFloodResult[];
}

export interface RunInfo {
  readonly startedAt: string;
  readonly mode: 'quick' | 'full';
  readonly database: 'sqlite' | 'postgres';
  readonly settings: Settings;
  readonly appSettings: Readonly<Record<string, string>>;
  readonly machine: {
    readonly nproc: number;
    readonly cpuModel: string;
    readonly node: string;
    readonly pinned: boolean;
    readonly loadAverageAtStart: number;
    readonly loadAverageAtEnd: number;
  };
  readonly audit: { readonly batchSize?: HistogramSummary; readonly commitSeconds?: HistogramSummary };
}

export const LABELS: Readonly<Record<ThroughputTarget, string>> = {
  reference: 'reference: Nest + Express hello',
  referenceFastify: 'reference: Nest + Fastify hello',
  health: 'GET /health/live',
  noteReadBearer: 'GET /api/v1/notes/:id (bearer)',
  noteReadApiKey: 'GET /api/v1/notes/:id (API key)',
  noteCreate: 'POST /api/v1/notes (bearer)',
};

export interface TargetSummary {
  readonly rps: Spread;
  /** This target's req/s over the (Express) reference's in the same round. */
  readonly ratio: Spread;
  readonly p50: Spread;
  readonly p99: Spread;
  /** Server CPU µs per request (user + system). */
  readonly cpuUs: Spread;
  readonly pacedP50: Spread;
  readonly pacedP99: Spread;
  readonly pacedFailed: number;
  readonly failed: number;
  readonly peakRssMb: number;
}

export interface Budget {
  readonly name: string;
  readonly limit: string;
  readonly value: string;
  readonly met: boolean;
}

export interface Summary {
  readonly targets: Partial<Record<ThroughputTarget, TargetSummary>>;
  readonly login: {
    readonly loginsPerSecond: Spread;
    readonly refusedPerSecond: Spread;
    readonly loginP99: Spread;
    readonly healthP99: Spread;
    readonly readP99: Spread;
    readonly probeFailures: number;
    readonly peakRssMb: number;
  };
  readonly appPeakRssMb: number;
  readonly budgets: Budget[];
  /** The ratios as a Mermaid bar chart, for docs/performance.md. */
  readonly mermaid: string;
}

const MB = 1024 * 1024;
const maxOf = (values: number[]) => Math.max(...values.filter((value) => !Number.isNaN(value)));

export function summarise(m: Measurements): Summary {
  const reference = m.closed.reference ?? [];
  const targets: Summary['targets'] = {};
  for (const [target, runs] of Object.entries(m.closed) as [ThroughputTarget, ClosedLoopResult[]][]) {
    const paced = m.paced[target] ?? [];
    targets[target] = {
      rps: spread(runs.map((run) => run.rps)),
      ratio: spread(runs.map((run, round) => run.rps / (reference[round]?.rps ?? Number.NaN))),
      p50: spread(runs.map((run) => run.p50)),
      p99: spread(runs.map((run) => run.p99)),
      cpuUs: spread(runs.map((run) => run.cpuPerRequestUs)),
      pacedP50: spread(paced.map((run) => run.p50)),
      pacedP99: spread(paced.map((run) => run.p99)),
      pacedFailed: paced.reduce((sum, run) => sum + run.failed, 0),
      failed: runs.reduce((sum, run) => sum + run.failed, 0),
      peakRssMb: maxOf([...runs, ...paced].map((run) => run.peakRssBytes)) / MB,
    };
  }
  const login = {
    loginsPerSecond: spread(m.login.map((run) => run.loginsPerSecond)),
    refusedPerSecond: spread(m.login.map((run) => run.refusedPerSecond)),
    loginP99: spread(m.login.map((run) => run.loginP99)),
    healthP99: spread(m.login.map((run) => run.health.p99)),
    readP99: spread(m.login.map((run) => run.read.p99)),
    probeFailures: m.login.reduce((sum, run) => sum + run.health.failed + run.read.failed, 0),
    peakRssMb: maxOf(m.login.map((run) => run.peakRssBytes)) / MB,
  };
  const secured = (Object.keys(targets) as ThroughputTarget[]).filter((target) => !isReference(target));
  const appPeakRssMb = Math.max(login.peakRssMb, ...secured.map((target) => targets[target]!.peakRssMb));
  const read = targets.noteReadBearer;
  const budgets: Budget[] = [
    {
      name: 'note read (bearer) / reference',
      limit: '≥ 0.60',
      value: fixed(read?.ratio.median ?? Number.NaN, 2),
      met: (read?.ratio.median ?? 0) >= 0.6,
    },
    ...secured.map((target) => ({
      name: `paced 500/s p99, ${LABELS[target]}`,
      limit: '≤ 10 ms',
      value: `${fixed(targets[target]!.pacedP99.median, 2)} ms`,
      met: targets[target]!.pacedP99.median <= 10 && targets[target]!.pacedFailed === 0,
    })),
    {
      name: 'login flood: health p99',
      limit: '≤ 50 ms',
      value: `${fixed(login.healthP99.median, 1)} ms`,
      met: login.healthP99.median <= 50,
    },
    {
      name: 'login flood: note read p99',
      limit: '≤ 50 ms',
      value: `${fixed(login.readP99.median, 1)} ms`,
      met: login.readP99.median <= 50,
    },
    {
      name: 'login flood: logins/s',
      limit: '≥ 30',
      value: fixed(login.loginsPerSecond.median, 1),
      met: login.loginsPerSecond.median >= 30,
    },
    { name: 'peak RSS under load', limit: '≤ 250 MB', value: `${fixed(appPeakRssMb, 0)} MB`, met: appPeakRssMb <= 250 },
  ];
  const chartTargets = (Object.keys(targets) as ThroughputTarget[]).filter((target) => targets[target]);
  const mermaid = [
    'xychart-beta',
    '  title "req/s relative to the unsecured reference (median of rounds)"',
    `  x-axis [${chartTargets.map((target) => `"${LABELS[target].replace(/"/g, "'")}"`).join(', ')}]`,
    // The Fastify reference may be above 1.
    `  y-axis "ratio" 0 --> ${Math.max(1, Math.ceil(Math.max(...chartTargets.map((target) => targets[target]!.ratio.median).filter((r) => !Number.isNaN(r))) * 2) / 2)}`,
    `  bar [${chartTargets.map((target) => fixed(targets[target]!.ratio.median, 2)).join(', ')}]`,
  ].join('\n');
  return { targets, login, appPeakRssMb, budgets, mermaid };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ')).join('\n');
}

function bar(ratio: number): string {
  return Number.isNaN(ratio) ? '' : '█'.repeat(Math.round(Math.min(ratio, 1.5) * 40));
}

export function printReport(info: RunInfo, summary: Summary): void {
  const { machine, settings } = info;
  console.log(
    `\n${info.mode} run, ${info.database}, ${settings.rounds} round(s); ${machine.nproc} cores (${machine.cpuModel}), ` +
      `Node ${machine.node}, ${machine.pinned ? 'pinned' : 'not pinned'}, load average ${fixed(machine.loadAverageAtStart, 2)} → ${fixed(machine.loadAverageAtEnd, 2)}`,
  );
  console.log(
    `closed loop: ${settings.connections} connections × ${settings.closedSeconds} s; paced: ${settings.pacedRate} req/s × ${settings.pacedSeconds} s ` +
      `after ${settings.pacedSettleSeconds} s unrecorded at that rate, latency from the scheduled send time\n`,
  );
  const rows = [
    [
      'target',
      'req/s median (min–max)',
      '× ref',
      'CPU µs/req',
      'p50 ms',
      'p99 ms',
      'paced p50 ms',
      'paced p99 ms',
      'peak RSS MB',
      'errors',
    ],
  ];
  for (const [target, s] of Object.entries(summary.targets) as [ThroughputTarget, TargetSummary][]) {
    rows.push([
      LABELS[target],
      formatSpread(s.rps),
      formatSpread(s.ratio, 2),
      formatSpread(s.cpuUs),
      formatSpread(s.p50),
      formatSpread(s.p99),
      formatSpread(s.pacedP50, 2),
      formatSpread(s.pacedP99, 2),
      fixed(s.peakRssMb, 0),
      String(s.failed + s.pacedFailed),
    ]);
  }
  console.log(table(rows));
  const l = summary.login;
  console.log(
    `\nPOST /api/v1/auth/login flood (${settings.loginConnections} connections, argon2id): ${formatSpread(l.loginsPerSecond, 1)} logins/s, ` +
      `${formatSpread(l.refusedPerSecond, 1)} refused/s (over capacity), login p99 ${formatSpread(l.loginP99)} ms`,
  );
  console.log(
    `  meanwhile, paced ${settings.probeRate}/s each: GET /health/live p99 ${formatSpread(l.healthP99, 1)} ms, ` +
      `note read p99 ${formatSpread(l.readP99, 1)} ms, probe errors ${l.probeFailures}; peak RSS ${fixed(l.peakRssMb, 0)} MB`,
  );
  console.log('\nratio to the reference:');
  for (const [target, s] of Object.entries(summary.targets) as [ThroughputTarget, TargetSummary][]) {
    console.log(`  ${LABELS[target].padEnd(34)} ${fixed(s.ratio.median, 2).padStart(5)} ${bar(s.ratio.median)}`);
  }
  const { batchSize, commitSeconds } = info.audit;
  if (batchSize && commitSeconds) {
    console.log(
      `\naudit group commit over the run (/metrics): ${batchSize.count} commits, ${fixed(batchSize.mean, 1)} events per commit on average ` +
        `(p50 ≤ ${batchSize.p50}, p99 ≤ ${batchSize.p99}); commit ${fixed(commitSeconds.mean * 1000, 2)} ms on average ` +
        `(p50 ≤ ${commitSeconds.p50 * 1000} ms, p99 ≤ ${commitSeconds.p99 * 1000} ms)`,
    );
  }
  console.log('\nbudgets:');
  console.log(table(summary.budgets.map((b) => [b.met ? 'met ' : 'MISS', b.name, b.limit, b.value])));
}
