// Deletes compiled files in build/ whose TypeScript source no longer exists, before the test build.
// Why: tsc never removes the output of a deleted or renamed .ts file, so a deleted test kept running
// from build/. Outputs whose source still exists are kept, and so is build/.tsbuildinfo: tsc's
// incremental build would not re-emit an output deleted behind its back.
import { existsSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';

const outDir = 'build';
const emitted = /\.js(\.map)?$/;

function prune(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const output = join(directory, entry.name);
    if (entry.isDirectory()) {
      prune(output);
      if (readdirSync(output).length === 0) rmdirSync(output);
    } else if (emitted.test(entry.name)) {
      const source = output.slice(outDir.length + 1).replace(emitted, '.ts');
      if (!existsSync(source)) rmSync(output);
    }
  }
}

if (existsSync(outDir)) prune(outDir);
