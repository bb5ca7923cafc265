import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { AB_SETTINGS, runAb } from './ab-run.js';
import { copyLog, startAppCopy, type AppCopy } from './app-copy.js';
import { canPin, pinSelf } from './processes.js';
import { fixed } from './stats.js';

/**
 * `npm run bench:pg-ab [-- --quick] [-- --baseline DIR] [-- --no-settings]`: PostgreSQL choices
 * measured side by side in one run (docs/performance.md, "PostgreSQL"). Copies of the production
 * app, each on a throwaway database of its own (created and dropped here), pinned like
 * `npm run bench` (the apps on core 0, this load generator on core 1; PostgreSQL itself is not
 * pinned, so its CPU is counted separately):
 *
 * - as shipped: this checkout's dist/main.js with its defaults (pool of 10, synchronous_commit on);
 * - with `--baseline DIR`: DIR/dist/main.js, another checkout built with `npm run build` (an
 *   earlier commit): the A of an A/B for a code change;
 * - unless `--no-settings`: `synchronous_commit = off` on its database (ALTER DATABASE), and
 *   DATABASE_POOL_SIZE 4 and 20.
 *
 * The measuring loop is bench/ab-run.ts. Only the ratios within this one run mean anything.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const baselineDir = argv.includes('--baseline') ? resolve(argv[argv.indexOf('--baseline') + 1] ?? '') : undefined;

interface Variant {
  readonly name: string;
  readonly entry: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Set on the variant's database before the app starts. */
  readonly databaseSetting?: string;
}

const shipped = join(repo, 'dist', 'main.js');
const VARIANTS: Variant[] = [{ name: 'as shipped', entry: shipped }];
if (baselineDir) VARIANTS.push({ name: 'baseline', entry: join(baselineDir, 'dist', 'main.js') });
if (!argv.includes('--no-settings')) {
  VARIANTS.push(
    { name: 'synchronous_commit off', entry: shipped, databaseSetting: 'synchronous_commit = off' },
    { name: 'DATABASE_POOL_SIZE=4', entry: shipped, env: { DATABASE_POOL_SIZE: '4' } },
    { name: 'DATABASE_POOL_SIZE=20', entry: shipped, env: { DATABASE_POOL_SIZE: '20' } },
  );
}

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const databases: string[] = [];
const copies: AppCopy[] = [];
const work = mkdtempSync(join(tmpdir(), 'bench-pg-ab-'));

async function asAdmin<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

async function createDatabase(setting: string | undefined): Promise<string> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  databases.push(name);
  await asAdmin(async (client) => {
    await client.query(`CREATE DATABASE ${name}`);
    if (setting) await client.query(`ALTER DATABASE ${name} SET ${setting}`);
  });
  return `postgres://postgres@127.0.0.1:5432/${name}`;
}

async function main(): Promise<void> {
  for (const variant of VARIANTS) {
    if (!existsSync(variant.entry)) throw new Error(`${variant.entry} does not exist: build that checkout first (npm run build)`);
  }
  const pin = canPin();
  const cores = availableParallelism();
  if (pin) pinSelf(1);
  console.log(
    `bench:pg-ab: ${quick ? 'quick' : 'full'} run, Node ${process.version}, ${cores} cores ` +
      `(${cpus()[0]?.model ?? 'unknown'}), load average ${fixed(loadavg()[0]!)}, ` +
      `${pin ? 'apps pinned to core 0, load generator to core 1, PostgreSQL unpinned' : 'no CPU pinning'}` +
      (baselineDir ? `; baseline = ${baselineDir}` : ''),
  );
  for (const [index, variant] of VARIANTS.entries()) {
    copies.push(
      await startAppCopy({
        name: variant.name,
        entry: variant.entry,
        env: variant.env,
        databaseUrl: () => createDatabase(variant.databaseSetting),
        logFile: copyLog(work, index),
        core: pin ? 0 : undefined,
      }),
    );
  }
  await runAb(copies, quick ? AB_SETTINGS.quick : AB_SETTINGS.full, { postgres: true });
}

async function cleanUp(): Promise<void> {
  await Promise.all(copies.map((copy) => copy.proc.stop()));
  for (const name of databases) {
    await asAdmin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).catch(() => undefined);
  }
  rmSync(work, { recursive: true, force: true });
}

main()
  .then(cleanUp)
  .catch(async (error: unknown) => {
    console.error('bench:pg-ab failed:', error instanceof Error ? error.message : error);
    await cleanUp();
    process.exitCode = 1;
  });
