import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyLog, startAppCopy } from './app-copy.js';
import { closedLoop, type ClosedLoopResult, type RequestShape } from './load.js';
import { canPin, pinSelf, type NodeProcess } from './processes.js';
import { fixed, median } from './stats.js';

/**
 * `npm run bench:als [-- --quick]`: is binding every request to an AsyncLocalStorage context still
 * too expensive on this Node (docs/performance.md, "AsyncLocalStorage on Node 24")? One run, four
 * copies of the production app side by side (each its own SQLite file), pinned like `npm run bench`:
 *
 * - as shipped (state-changing requests already run in the unit of work's context,
 *   src/database/request-transaction.ts; reads do not);
 * - with every request in its own context (bench/als-per-request.ts, what nestjs-pino's request
 *   middleware would add);
 * - both again with `--no-async-context-frame`: AsyncLocalStorage on async hooks, as on Node 20.
 *
 * Each round measures every copy in turn (order reversed every other round, so a drift of the
 * machine hits both sides alike), closed loop, server CPU per request: the figure other work on
 * the machine disturbs least. Only the ratios within this one run mean anything.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const quick = process.argv.includes('--quick');
const settings = quick
  ? { rounds: 1, warmupSeconds: 1, closedSeconds: 2, connections: 32 }
  : { rounds: 3, warmupSeconds: 5, closedSeconds: 8, connections: 32 };

const VARIANTS = [
  { name: 'as shipped', flags: [] },
  { name: 'ALS per request', flags: ['--import', join(repo, 'build', 'bench', 'als-per-request.js')] },
  { name: 'as shipped, --no-async-context-frame', flags: ['--no-async-context-frame'] },
  {
    name: 'ALS per request, --no-async-context-frame',
    flags: ['--no-async-context-frame', '--import', join(repo, 'build', 'bench', 'als-per-request.js')],
  },
] as const;

const processes: NodeProcess[] = [];
const work = mkdtempSync(join(tmpdir(), 'bench-als-'));

async function main(): Promise<void> {
  const pin = canPin();
  const cores = availableParallelism(); // before pinning, which narrows it to one
  if (pin) pinSelf(1);
  const loadAtStart = loadavg()[0]!;
  const apps = [];
  for (const [index, variant] of VARIANTS.entries()) {
    const copy = await startAppCopy({
      name: variant.name,
      entry: join(repo, 'dist', 'main.js'),
      flags: variant.flags,
      databaseUrl: (attempt) => `sqlite:${join(work, `app-${index}-${attempt}.sqlite`)}`,
      logFile: copyLog(work, index),
      core: pin ? 0 : undefined,
    });
    processes.push(copy.proc);
    const shapes: Record<string, RequestShape> = {
      health: { method: 'GET', url: `${copy.base}/health/live` },
      'note read, bearer': {
        method: 'GET',
        url: `${copy.base}/api/v1/notes/${copy.fixtures.noteId}`,
        headers: { authorization: `Bearer ${copy.fixtures.bearer}` },
      },
    };
    apps.push({ variant, proc: copy.proc, shapes });
  }
  const targets = Object.keys(apps[0]!.shapes);
  console.log(
    `bench:als: ${quick ? 'quick' : 'full'} run, Node ${process.version}, ${cores} cores ` +
      `(${cpus()[0]?.model ?? 'unknown'}), load average ${fixed(loadAtStart)}, ` +
      `${pin ? 'servers pinned to core 0, load generator to core 1' : 'no CPU pinning'}`,
  );

  for (const app of apps) {
    for (const target of targets)
      await closedLoop(app.shapes[target]!, settings.connections, settings.warmupSeconds, app.proc.pid);
  }
  const results = new Map<string, ClosedLoopResult[]>();
  for (let round = 0; round < settings.rounds; round++) {
    const order = round % 2 === 0 ? apps : [...apps].reverse();
    for (const target of targets) {
      for (const app of order) {
        const result = await closedLoop(app.shapes[target]!, settings.connections, settings.closedSeconds, app.proc.pid);
        if (result.failed > 0) throw new Error(`${app.variant.name} ${target}: ${result.failed} requests failed`);
        const key = `${target}|${app.variant.name}`;
        results.set(key, [...(results.get(key) ?? []), result]);
        console.log(
          `round ${round + 1}/${settings.rounds} ${target}, ${app.variant.name}: ` +
            `${fixed(result.cpuPerRequestUs, 0)} µs/req, ${result.rps.toFixed(0)} req/s`,
        );
      }
    }
  }

  console.log(
    `\nserver CPU µs per request, median of ${settings.rounds} rounds (each round's figure), load average ${fixed(loadAtStart)} → ${fixed(loadavg()[0]!)}`,
  );
  console.log('| target | variant | CPU µs/req | each round | vs as shipped (same frame setting) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const target of targets) {
    const cpu = (name: string) => (results.get(`${target}|${name}`) ?? []).map((r) => r.cpuPerRequestUs);
    for (const [index, { name }] of VARIANTS.entries()) {
      const baseline = median(cpu(VARIANTS[index - (index % 2)]!.name));
      const own = median(cpu(name));
      const ratio =
        index % 2 === 0
          ? '1.00'
          : `${fixed(own / baseline, 2)} (${own >= baseline ? '+' : ''}${fixed((own / baseline - 1) * 100)} %)`;
      console.log(
        `| ${target} | ${name} | ${fixed(own, 0)} | ${cpu(name)
          .map((v) => fixed(v, 0))
          .join(', ')} | ${ratio} |`,
      );
    }
  }
}

async function stopAll(): Promise<void> {
  await Promise.all(processes.map((proc) => proc.stop()));
  rmSync(work, { recursive: true, force: true });
}

main()
  .then(stopAll)
  .catch(async (error: unknown) => {
    console.error('bench:als failed:', error instanceof Error ? error.message : error);
    await stopAll();
    process.exitCode = 1;
  });
