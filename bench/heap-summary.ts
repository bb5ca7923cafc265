import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * Summarises a V8 heap snapshot (.heapsnapshot, as written by v8.writeHeapSnapshot): self size by
 * kind of object (what DevTools' Summary view shows), the biggest single strings, and the biggest
 * retainers: retained size from the dominator tree (what would be freed if that object went),
 * weak edges ignored, each with the chain of its dominators. `node build/bench/heap-summary.js
 * FILE [TOP]`; bench/heap.ts prints it after each snapshot.
 */
interface Snapshot {
  readonly snapshot: {
    readonly meta: {
      readonly node_fields: string[];
      readonly node_types: [string[], ...unknown[]];
      readonly edge_fields: string[];
      readonly edge_types: [string[], ...unknown[]];
    };
  };
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
}

const MB = 1024 * 1024;
const mb = (bytes: number) => `${(bytes / MB).toFixed(2)} MB`;

export function summariseHeapSnapshot(text: string, top = 20): string {
  const s = JSON.parse(text) as Snapshot;
  const { meta } = s.snapshot;
  const nf = meta.node_fields.length;
  const ef = meta.edge_fields.length;
  const [nType, nName, nSelf, nEdges] = ['type', 'name', 'self_size', 'edge_count'].map((f) => meta.node_fields.indexOf(f)) as [
    number,
    number,
    number,
    number,
  ];
  const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => meta.edge_fields.indexOf(f)) as [
    number,
    number,
    number,
  ];
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const weak = edgeTypes.indexOf('weak');
  const shortcut = edgeTypes.indexOf('shortcut');
  const count = s.nodes.length / nf;
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) firstEdge[i + 1] = firstEdge[i]! + s.nodes[i * nf + nEdges]! * ef;
  const self = (i: number) => s.nodes[i * nf + nSelf]!;
  const type = (i: number) => nodeTypes[s.nodes[i * nf + nType]!]!;
  const name = (i: number) => s.strings[s.nodes[i * nf + nName]!]!;
  const edgeName = (e: number) => {
    const t = edgeTypes[s.edges[e + eType]!]!;
    const n = s.edges[e + eName]!;
    return t === 'element' || t === 'hidden' ? `[${n}]` : s.strings[n]!;
  };
  const followed = (e: number) => {
    const t = s.edges[e + eType]!;
    return t !== weak && t !== shortcut;
  };

  let total = 0;
  const byKind = new Map<string, { size: number; count: number }>();
  for (let i = 0; i < count; i++) {
    total += self(i);
    const t = type(i);
    const kind = t === 'object' || t === 'closure' || t === 'native' ? `${name(i)} (${t})` : `(${t})`;
    const entry = byKind.get(kind) ?? { size: 0, count: 0 };
    entry.size += self(i);
    entry.count++;
    byKind.set(kind, entry);
  }

  // Dominators (Cooper, Harvey and Kennedy's iterative algorithm) over a DFS from the root (node 0).
  const post = new Int32Array(count).fill(-1);
  const order: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(count);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  for (let i = 0; i < count; i++) cursor[i] = firstEdge[i]!;
  while (stack.length > 0) {
    const node = stack[stack.length - 1]!;
    if (cursor[node]! < firstEdge[node + 1]!) {
      const e = cursor[node]!;
      cursor[node] = e + ef;
      if (!followed(e)) continue;
      const to = s.edges[e + eTo]! / nf;
      if (!seen[to]) {
        seen[to] = 1;
        stack.push(to);
      }
    } else {
      stack.pop();
      post[node] = order.length;
      order.push(node);
    }
  }
  const predCount = new Uint32Array(count + 1);
  for (let i = 0; i < count; i++) {
    if (!seen[i]) continue;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += ef) if (followed(e)) predCount[s.edges[e + eTo]! / nf + 1]!++;
  }
  for (let i = 0; i < count; i++) predCount[i + 1]! += predCount[i]!;
  const preds = new Uint32Array(predCount[count]!);
  const fill = predCount.slice();
  for (let i = 0; i < count; i++) {
    if (!seen[i]) continue;
    for (let e = firstEdge[i]!; e < firstEdge[i + 1]!; e += ef) {
      if (!followed(e)) continue;
      const to = s.edges[e + eTo]! / nf;
      preds[fill[to]!++] = i;
    }
  }
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (post[a]! < post[b]!) a = idom[a]!;
      while (post[b]! < post[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (let k = order.length - 2; k >= 0; k--) {
      const node = order[k]!;
      let dom = -1;
      for (let p = predCount[node]!; p < predCount[node + 1]!; p++) {
        const pred = preds[p]!;
        if (idom[pred] === -1) continue;
        dom = dom === -1 ? pred : intersect(pred, dom);
      }
      if (dom !== -1 && idom[node] !== dom) {
        idom[node] = dom;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(count);
  for (const node of order) retained[node]! += self(node);
  for (const node of order) if (node !== 0) retained[idom[node]!]! += retained[node]!;
  const label = (i: number) => {
    const text = name(i).replace(/\s+/g, ' ');
    return `${type(i)} ${text.length > 60 ? `${text.slice(0, 57)}...` : text}`;
  };
  /** The edge by which the dominator (or, failing that, any retainer) holds the node. */
  const via = (i: number) => {
    const d = idom[i]!;
    for (let e = firstEdge[d]!; e < firstEdge[d + 1]!; e += ef) if (s.edges[e + eTo]! / nf === i) return edgeName(e);
    return '?';
  };
  const chain = (i: number) => {
    const parts: string[] = [];
    for (let n = i, depth = 0; n !== 0 && depth < 4; n = idom[n]!, depth++) parts.push(`${label(n)} (.${via(n)})`);
    return parts.join(' ← ');
  };

  const lines: string[] = [];
  lines.push(`${count} nodes, ${mb(total)} in all (self sizes)`);
  lines.push('\nself size by kind:');
  for (const [kind, { size, count: n }] of [...byKind].sort((a, b) => b[1].size - a[1].size).slice(0, top)) {
    lines.push(`  ${mb(size).padStart(10)}  ${String(n).padStart(7)}×  ${kind.slice(0, 80)}`);
  }
  lines.push('\nbiggest strings:');
  const strings: number[] = [];
  for (let i = 0; i < count; i++) if (type(i).includes('string')) strings.push(i);
  for (const i of strings.sort((a, b) => self(b) - self(a)).slice(0, Math.min(top, 12))) {
    lines.push(`  ${mb(self(i)).padStart(10)}  ${JSON.stringify(name(i).slice(0, 70))}`);
  }
  lines.push('\nbiggest retainers (retained size, dominator chain):');
  const candidates: number[] = [];
  for (let i = 1; i < count; i++) if (retained[i]! >= 128 * 1024 && type(i) !== 'synthetic') candidates.push(i);
  for (const i of candidates.sort((a, b) => retained[b]! - retained[a]!).slice(0, top)) {
    lines.push(`  ${mb(retained[i]!).padStart(10)}  ${chain(i)}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file, top] = process.argv.slice(2);
  if (!file) throw new Error('usage: node build/bench/heap-summary.js FILE.heapsnapshot [TOP]');
  console.log(summariseHeapSnapshot(readFileSync(file, 'utf8'), Number(top ?? 20)));
}
