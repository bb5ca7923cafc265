import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * What keeps the production process's live heap small (docs/performance.md, "The live heap"):
 * @nestjs/swagger is imported only where the OpenAPI document is built (the controllers and DTOs
 * take deferred decorators from src/http/openapi-declarations.ts), and zxcvbn's dictionaries only
 * by the strength estimator, which runs in a worker thread. A static import anywhere else would
 * load them into every request-serving process again; this test names the file that does.
 */
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function sources(directory: string): string[] {
  return readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => relative(repo, join(entry.parentPath, entry.name)));
}

/** Files with a value (not type-only) import of `module`. */
function importersOf(module: RegExp): string[] {
  return sources(join(repo, 'src')).filter((file) =>
    [...readFileSync(join(repo, file), 'utf8').matchAll(/^import\s+(type\s)?[^;]*?from\s+'([^']+)';/gms)].some(
      ([, typeOnly, from]) => typeOnly === undefined && module.test(from!),
    ),
  );
}

describe('heavy modules stay out of the request-serving process', () => {
  it('@nestjs/swagger: only src/openapi/', () => {
    assert.deepEqual(
      importersOf(/^@nestjs\/swagger$/).filter((file) => !file.startsWith('src/openapi/')),
      [],
    );
  });

  it('@zxcvbn-ts/*: only the strength estimator (worker thread) and the common-password list (required, then dropped)', () => {
    assert.deepEqual(importersOf(/^@zxcvbn-ts\//), ['src/auth/passwords/password-strength.estimator.ts']);
  });
});
