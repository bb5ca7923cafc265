import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { appEnvironment } from './app-env.js';
import { createFixtures, randomPassword } from './fixtures.js';
import type { HeapReport } from './heap-probe.js';
import { closedLoop, type RequestShape } from './load.js';
import { freePort, startNode, waitUntilServing } from './processes.js';
import { summariseHeapSnapshot } from './heap-summary.js';

/**
 * `npm run bench:heap [-- --no-snapshot] [-- --top N]`: the live heap of the app as
 * `npm run start:prod` runs it (dist/main.js, NODE_ENV=production, the benchmark's environment
 * and secrets, SQLite in a temporary directory), measured idle after a warm-up: fixtures created
 * through the API (logins, registration, API keys, a note), then 2 s of closed-loop load on each
 * route the benchmark measures. Then full GCs (--expose-gc) and V8's used heap size, which is
 * the live heap a major GC has to mark; a heap snapshot in the temporary directory and its summary
 * (bench/heap-summary.ts). Not CPU-bound: the figures do not depend on the machine's load.
 * The password-strength worker thread (zxcvbn) is a separate V8 isolate: not in these figures.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const snapshot = !args.includes('--no-snapshot');
const topIndex = args.indexOf('--top');
const top = topIndex >= 0 ? Number(args[topIndex + 1]) : 20;

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(1)} MB`;

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'bench-heap-'));
  const admin = { email: 'bench-admin@example.com', password: randomPassword() };
  const port = await freePort();
  const app = startNode({
    name: 'app',
    args: ['--expose-gc', join(repo, 'build', 'bench', 'heap-probe.js')],
    env: {
      ...appEnvironment({ port, databaseUrl: `sqlite:${join(work, 'bench.sqlite')}`, admin }),
      BENCH_APP_ENTRY: join(repo, 'dist', 'main.js'),
    },
    logFile: join(work, 'app.log'),
    core: undefined,
    ipc: true,
  });
  const measure = (file?: string) =>
    new Promise<HeapReport>((done) => {
      const listener = (message: HeapReport) => {
        if (message.type !== 'measured') return;
        app.child.off('message', listener);
        done(message);
      };
      app.child.on('message', listener);
      app.child.send({ type: 'measure', ...(file === undefined ? {} : { snapshot: file }) });
    });
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilServing(`${base}/health/live`, app);
    const started = await measure();
    const fixtures = await createFixtures(base, admin);
    const note = `${base}/api/v1/notes/${fixtures.noteId}`;
    const bearer = { authorization: `Bearer ${fixtures.bearer}` };
    const shapes: RequestShape[] = [
      { method: 'GET', url: `${base}/health/live` },
      { method: 'GET', url: note, headers: bearer },
      { method: 'GET', url: note, headers: { 'x-api-key': fixtures.apiKey } },
      {
        method: 'POST',
        url: `${base}/api/v1/notes`,
        headers: bearer,
        body: JSON.stringify({ title: 'Heap note', body: 'A body.' }),
      },
    ];
    for (const shape of shapes) await closedLoop(shape, 8, 2, app.pid);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    // Not under bench/results: a snapshot holds every string of the app, doc paths included,
    // which the docs-integrity test (it reads every file of the tree) would take for citations.
    const file = snapshot ? join(tmpdir(), `bench-heap-${stamp}.heapsnapshot`) : undefined;
    const warm = await measure(file);
    const row = (label: string, r: HeapReport) =>
      `${label.padEnd(28)} used heap ${mb(r.usedHeapSize).padStart(9)}  (old ${mb(r.spaces.old_space ?? 0)}, code ${mb(r.spaces.code_space ?? 0)}, ` +
      `large objects ${mb(r.spaces.large_object_space ?? 0)})  total heap ${mb(r.totalHeapSize)}  external ${mb(r.externalMemory)}  RSS ${mb(r.rss)}`;
    console.log(`live heap of dist/main.js (NODE_ENV=production, SQLite), after forced full GCs; Node ${process.version}`);
    console.log(row('started, before any request', started));
    console.log(row('idle after the warm-up', warm));
    const modules = Object.entries(warm.modules).sort((a, b) => b[1].bytes - a[1].bytes);
    const sum = modules.reduce((total, [, m]) => total + m.bytes, 0);
    console.log(
      `\nCommonJS modules loaded: ${modules.reduce((n, [, m]) => n + m.count, 0)}, ${mb(sum)} of source; the biggest packages:`,
    );
    for (const [name, m] of modules.slice(0, top))
      console.log(`  ${mb(m.bytes).padStart(9)}  ${String(m.count).padStart(4)} files  ${name}`);
    if (warm.snapshot) {
      console.log(`\nheap snapshot: ${warm.snapshot}\n`);
      console.log(summariseHeapSnapshot(readFileSync(warm.snapshot, 'utf8'), top));
    }
  } finally {
    await app.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error('bench:heap failed:', error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
