import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Summarises a V8 .cpuprofile (as written by `npm run bench -- --cpu-prof`): where the busy
 * time went, by package / application file (self time), and which application and library
 * functions it was spent under (inclusive time). `node build/bench/profile-summary.js FILE [TOP]`.
 */
interface CallFrame {
  readonly functionName: string;
  readonly url: string;
  readonly lineNumber: number;
}
interface ProfileNode {
  readonly id: number;
  readonly callFrame: CallFrame;
  readonly children?: readonly number[];
}
export interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

const IDLE = new Set(['(idle)', '(root)']);

/** Where a frame's code lives: an npm package, a file of the app, node core, or the VM itself. */
export function category(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (url === '') return functionName.startsWith('(') ? functionName : `(native) ${functionName || 'anonymous'}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope?.startsWith('@') ? `${scope}/${name}` : (scope ?? url);
  }
  if (url.startsWith('node:')) return 'node core';
  const app = /\/(?:dist|build)\/(?:src\/)?(.+)$/.exec(url);
  return app ? `app: src/${app[1]!.replace(/\.js$/, '.ts')}` : url;
}

function frameName(frame: CallFrame): string {
  return `${frame.functionName || '(anonymous)'}  [${category(frame)}:${frame.lineNumber + 1}]`;
}

function top(map: Map<string, number>, busy: number, count: number): string[] {
  return [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, us]) => `${((100 * us) / busy).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
}

export function summariseProfile(profile: CpuProfile, count = 20): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const selfByCategory = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  const inclusiveApp = new Map<string, number>();
  const inclusivePackage = new Map<string, number>();
  let busy = 0;
  let total = 0;
  const add = (map: Map<string, number>, key: string, us: number) => map.set(key, (map.get(key) ?? 0) + us);

  profile.samples.forEach((id, index) => {
    const us = profile.timeDeltas[index + 1] ?? 0;
    total += us;
    const node = byId.get(id);
    if (!node || IDLE.has(node.callFrame.functionName)) return;
    busy += us;
    add(selfByCategory, category(node.callFrame), us);
    add(selfByFunction, frameName(node.callFrame), us);
    // Inclusive: every distinct app function and package on the stack gets the sample once.
    const seenApp = new Set<string>();
    const seenPackage = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      const where = category(frame);
      if (where.startsWith('app: ')) seenApp.add(frameName(frame));
      else if (!where.startsWith('(') && where !== 'node core') seenPackage.add(where);
    }
    for (const name of seenApp) add(inclusiveApp, name, us);
    for (const name of seenPackage) add(inclusivePackage, name, us);
  });

  return [
    `busy ${(busy / 1000).toFixed(0)} ms of ${(total / 1000).toFixed(0)} ms sampled (${((100 * busy) / total).toFixed(0)}% CPU of one core)`,
    '',
    'self time by package or app file:',
    ...top(selfByCategory, busy, count),
    '',
    'self time by function:',
    ...top(selfByFunction, busy, count),
    '',
    'inclusive time by package (time with it anywhere on the stack):',
    ...top(inclusivePackage, busy, count),
    '',
    'inclusive time by app function:',
    ...top(inclusiveApp, busy, count),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [file, count] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: node build/bench/profile-summary.js FILE.cpuprofile [TOP]');
    process.exit(2);
  }
  console.log(summariseProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(count ?? 20)));
}
