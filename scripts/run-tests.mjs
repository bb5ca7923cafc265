// Runs the compiled tests: `node scripts/run-tests.mjs [node --test flags] <directory or file>...`.
// Why not `node --test build/test/`: on Node 20, a directory given to --test runs EVERY .js file
// under it, so each helper module (test/support, fuzz generators, probes) was counted as a passing
// test; and Node 20 has no glob patterns for --test. This lists only the `*.test.js` files and
// hands them to `node --test` with the given flags, so the output (TAP `# pass N` when piped, as
// .ci/run reads it) and the exit code are node's own.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkRuntime } from './check-runtime.mjs';

const flags = process.argv.slice(2).filter((arg) => arg.startsWith('-'));
const directories = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));

function testFiles(directory) {
  if (!existsSync(directory)) return [];
  if (statSync(directory).isFile()) return [directory];
  return readdirSync(directory, { recursive: true })
    .filter((name) => name.endsWith('.test.js'))
    .map((name) => join(directory, name))
    .filter((path) => statSync(path).isFile());
}

// The suites run on this process's Node (process.execPath below): print it, refuse an unsupported one.
try {
  console.log(checkRuntime());
} catch (error) {
  console.error(`run-tests: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const files = [...new Set(directories.flatMap(testFiles))].sort();
if (directories.length === 0 || files.length === 0) {
  console.error(`run-tests: no *.test.js file under ${directories.join(', ') || '(no directory given)'}`);
  process.exit(1);
}

const child = spawn(process.execPath, ['--test', ...flags, ...files], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
