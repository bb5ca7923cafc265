import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { getHeapSpaceStatistics, getHeapStatistics, writeHeapSnapshot } from 'node:v8';
import { pathToFileURL } from 'node:url';

/**
 * `npm run bench:heap`: runs the production entry point (BENCH_APP_ENTRY, i.e. dist/main.js) in
 * this same thread and, on an IPC request from bench/heap.ts, forces full garbage collections
 * (the process is started with --expose-gc) and answers with V8's heap statistics, writing a heap
 * snapshot when asked. Nothing else about the server changes.
 */
type Command = { readonly type: 'measure'; readonly snapshot?: string };

export interface HeapReport {
  readonly type: 'measured';
  readonly usedHeapSize: number;
  readonly totalHeapSize: number;
  readonly externalMemory: number;
  readonly spaces: Readonly<Record<string, number>>;
  readonly rss: number;
  readonly snapshot?: string;
  /** CommonJS modules loaded (require.cache), by package: how many and their source bytes. */
  readonly modules: Readonly<Record<string, { readonly count: number; readonly bytes: number }>>;
}

/** The package a file belongs to (the part after the last node_modules/), or "(app)". */
function packageOf(file: string): string {
  const at = file.lastIndexOf('/node_modules/');
  if (at < 0) return '(app)';
  const parts = file.slice(at + '/node_modules/'.length).split('/');
  return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

function loadedModules(): HeapReport['modules'] {
  const modules: Record<string, { count: number; bytes: number }> = {};
  for (const file of Object.keys(createRequire(import.meta.url).cache)) {
    let bytes = 0;
    try {
      bytes = statSync(file).size;
    } catch {
      // not a file (a builtin or a virtual module)
    }
    // TypeORM's drivers separately: which of them are loaded is a question of its own.
    const driver = /\/typeorm\/driver\/([^/]+)\//.exec(file);
    const key = driver ? `typeorm/driver/${driver[1]}` : packageOf(file);
    const entry = (modules[key] ??= { count: 0, bytes: 0 });
    entry.count++;
    entry.bytes += bytes;
  }
  return modules;
}

const gc = (globalThis as { gc?: (options?: { type: 'major'; execution: 'sync' }) => void }).gc;
if (!gc) throw new Error('bench/heap-probe.js needs node --expose-gc');

process.on('message', (message: Command) => {
  void (async () => {
    if (message.type !== 'measure') return;
    // Several rounds, with turns of the event loop between them: finalizers and weak callbacks
    // (FinalizationRegistry, WeakRef) may free more on the next collection.
    for (let i = 0; i < 4; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    gc();
    const heap = getHeapStatistics();
    const spaces = Object.fromEntries(getHeapSpaceStatistics().map((space) => [space.space_name, space.space_used_size]));
    const snapshot = message.snapshot === undefined ? undefined : writeHeapSnapshot(message.snapshot);
    process.send?.({
      type: 'measured',
      usedHeapSize: heap.used_heap_size,
      totalHeapSize: heap.total_heap_size,
      externalMemory: heap.external_memory,
      spaces,
      rss: process.memoryUsage.rss(),
      modules: loadedModules(),
      ...(snapshot === undefined ? {} : { snapshot }),
    } satisfies HeapReport);
  })();
});

await import(pathToFileURL(process.env.BENCH_APP_ENTRY ?? 'dist/main.js').href);
