// npm's `postinstall` of this project (runs after every `npm install` and `npm ci`, on the Node
// that npm scripts get: node_modules/.bin/node, the pinned one). npm compiles better-sqlite3 only
// when better-sqlite3 itself is installed or changes, not when the Node it is for changes: a
// node_modules made before the move to Node 24, or a change of the pinned Node, leaves a binary
// for the old Node, and everything then fails at its first database. This rebuilds it in that
// case, and does nothing (a quick load test) otherwise.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function loads() {
  try {
    const Database = require('better-sqlite3');
    new Database(':memory:').close();
    return true;
  } catch (error) {
    if (error?.code !== 'ERR_DLOPEN_FAILED') throw error;
    console.log(`better-sqlite3 was built for another Node: ${error.message.replace(/\s+/g, ' ')}`);
    return false;
  }
}

if (!loads()) {
  console.log(`rebuilding better-sqlite3 for Node ${process.version} (npm rebuild better-sqlite3)`);
  const npm = process.env.npm_execpath;
  const rebuild = npm
    ? spawnSync(process.execPath, [npm, 'rebuild', 'better-sqlite3'], { stdio: 'inherit' })
    : spawnSync('npm', ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
  // Checked in a new process: this one already failed to load that file and would not retry.
  const check = spawnSync(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"], {
    stdio: 'inherit',
  });
  if (rebuild.status !== 0 || check.status !== 0) process.exit(1);
}
