// `npm run test:fork`: proves the resource generator the way a fork meets it. Copies the working
// tree (tracked files only) to a scratch directory, generates a resource there, then runs lint,
// typecheck, the README's `npm test` and, on PostgreSQL, the generated resource's suite with the
// authorization matrix and the migration drift test; the copy is thrown away afterwards
// (docs/testing.md#the-generator-in-ci). Exit code: the first failing step's.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const name = process.env.FORK_RESOURCE ?? 'invoices';
const scratch = mkdtempSync(join(tmpdir(), 'fork-'));
const keep = process.env.FORK_KEEP === '1';

function step(title, command, args, env = {}) {
  console.log(`\n==> test:fork: ${title}`);
  const run = spawnSync(command, args, { cwd: scratch, stdio: 'inherit', env: { ...process.env, ...env } });
  if (run.status !== 0) {
    console.error(
      `!! test:fork: "${title}" failed (exit ${run.status ?? run.signal}); the copy is ${keep ? `kept at ${scratch}` : 'removed'}`,
    );
    finish(run.status ?? 1);
  }
}

function finish(code) {
  if (!keep) rmSync(scratch, { recursive: true, force: true });
  process.exit(code);
}

const tracked = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root })
  .toString()
  .split('\0')
  // node_modules is linked below, never copied (a worktree's link to a shared install may be listed).
  .filter((file) => file !== '' && file !== 'node_modules');
for (const file of tracked) {
  mkdirSync(dirname(join(scratch, file)), { recursive: true });
  cpSync(join(root, file), join(scratch, file), { dereference: false, errorOnExist: false, force: true, verbatimSymlinks: true });
}
symlinkSync(join(root, 'node_modules'), join(scratch, 'node_modules'), 'dir');
console.log(`test:fork: ${tracked.length} files copied to ${scratch}`);

step(`generate the resource "${name}"`, 'npm', ['run', '--silent', 'generate:resource', '--', name]);
step('lint (oxlint, prettier, dependency-cruiser layering)', 'npm', ['run', '--silent', 'lint']);
step('typecheck', 'npm', ['run', '--silent', 'typecheck']);
step("the README's npm test (SQLite)", 'npm', ['test']);
step(
  'PostgreSQL: the new resource, the authorization matrix and the migration drift test',
  'node',
  [
    'scripts/run-tests.mjs',
    '--test-concurrency=2',
    `build/test/e2e/${name}.e2e.test.js`,
    'build/test/e2e/authorization-matrix.e2e.test.js',
    'build/test/e2e/migrations.e2e.test.js',
  ],
  { TEST_DATABASE: 'postgres' },
);
console.log(`\ntest:fork: the generated resource "${name}" passed every step`);
finish(0);
