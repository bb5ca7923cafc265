import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AB_SETTINGS, runAb } from './ab-run.js';
import { copyLog, startAppCopy, type AppCopy } from './app-copy.js';
import { canPin, pinSelf } from './processes.js';
import { fixed } from './stats.js';

/**
 * `npm run bench:heap-ab [-- --quick]`: V8 heap flags for the production app, side by side in one
 * run (docs/performance.md, "Peak RSS"): the defaults against a capped heap and against glibc's
 * malloc held to two arenas (MALLOC_ARENA_MAX, for argon2id's native buffers), each copy on its
 * own SQLite file, pinned like `npm run bench`, each after a login flood as in `npm run bench`.
 * The question is whether, with the live heap now ~44 MB, peak RSS fits 250 MB without giving
 * up the paced p99. The measuring loop is bench/ab-run.ts.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const quick = process.argv.includes('--quick');

const VARIANTS: readonly { name: string; flags: readonly string[]; env?: Readonly<Record<string, string>> }[] = [
  { name: 'defaults', flags: [] },
  { name: 'MALLOC_ARENA_MAX=2', flags: [], env: { MALLOC_ARENA_MAX: '2' } },
  { name: '--max-old-space-size=128 --max-semi-space-size=8', flags: ['--max-old-space-size=128', '--max-semi-space-size=8'] },
  {
    name: 'MALLOC_ARENA_MAX=2 --max-old-space-size=128 --max-semi-space-size=8',
    flags: ['--max-old-space-size=128', '--max-semi-space-size=8'],
    env: { MALLOC_ARENA_MAX: '2' },
  },
];

const copies: AppCopy[] = [];
const work = mkdtempSync(join(tmpdir(), 'bench-heap-ab-'));

async function main(): Promise<void> {
  const pin = canPin();
  const cores = availableParallelism();
  if (pin) pinSelf(1);
  console.log(
    `bench:heap-ab: ${quick ? 'quick' : 'full'} run, Node ${process.version}, ${cores} cores ` +
      `(${cpus()[0]?.model ?? 'unknown'}), load average ${fixed(loadavg()[0]!)}, ` +
      `${pin ? 'apps pinned to core 0, load generator to core 1' : 'no CPU pinning'}`,
  );
  for (const [index, variant] of VARIANTS.entries()) {
    copies.push(
      await startAppCopy({
        name: variant.name,
        entry: join(repo, 'dist', 'main.js'),
        flags: variant.flags,
        env: variant.env,
        databaseUrl: (attempt) => `sqlite:${join(work, `app-${index}-${attempt}.sqlite`)}`,
        logFile: copyLog(work, index),
        core: pin ? 0 : undefined,
      }),
    );
  }
  await runAb(copies, quick ? AB_SETTINGS.quick : AB_SETTINGS.full, { postgres: false, loginWarmupSeconds: quick ? 2 : 10 });
}

async function cleanUp(): Promise<void> {
  await Promise.all(copies.map((copy) => copy.proc.stop()));
  rmSync(work, { recursive: true, force: true });
}

main()
  .then(cleanUp)
  .catch(async (error: unknown) => {
    console.error('bench:heap-ab failed:', error instanceof Error ? error.message : error);
    await cleanUp();
    process.exitCode = 1;
  });
