import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import { generateSecrets } from '../../src/config/secret-generator.js';

/**
 * The docs are the implementation guide, so they must not drift from the code: every path they
 * name exists, every test they cite exists by name, docs/configuration.md lists exactly the
 * variables the config module reads, SECURITY.md exists and is checked like the docs, and the
 * control matrix covers every OWASP API Security Top 10 2023 risk. (Every OpenAPI route appearing
 * in the authorization matrix is checked by test/e2e/authorization-matrix.e2e.test.ts.)
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

function markdownFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', 'SECURITY.md', ...docs].filter((file) => existsSync(join(root, file)));
}

function walk(dir: string): string[] {
  return readdirSync(join(root, dir)).flatMap((name) => {
    const path = join(dir, name);
    return statSync(join(root, path)).isDirectory() ? walk(path) : [path];
  });
}

const allTestSources = () =>
  walk('test')
    .filter((file) => file.endsWith('.ts'))
    .map((file) => readFileSync(join(root, file), 'utf8'));

describe('docs integrity', () => {
  it('has a SECURITY.md at the repository root, checked like the docs', () => {
    assert.ok(existsSync(join(root, 'SECURITY.md')), 'SECURITY.md is missing');
    assert.ok(markdownFiles().includes('SECURITY.md'));
  });

  it('names every OWASP API Security Top 10 2023 risk in docs/security-controls.md', () => {
    const text = readFileSync(join(root, 'docs/security-controls.md'), 'utf8');
    const risks = Array.from({ length: 10 }, (_, i) => `API${i + 1}:2023`);
    assert.deepEqual(
      risks.filter((risk) => !new RegExp(`\\b${risk}\\b`).test(text)),
      [],
    );
  });

  it('names only files and folders that exist', () => {
    const missing: string[] = [];
    for (const file of markdownFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      const inCode = [...text.matchAll(/`((?:src|test|docs|bench|\.ci)\/[A-Za-z0-9_./-]*)`/g)].map((m) => m[1]!);
      const links = [...text.matchAll(/\]\((?!https?:|#|mailto:)([^)#\s]+)/g)].map((m) => join(dirname(file), m[1]!));
      for (const path of [...inCode, ...links]) {
        if (!existsSync(join(root, path.replace(/:\d+$/, '')))) missing.push(`${file}: ${path}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('cites only tests that exist, by file and by name', () => {
    const sources = allTestSources();
    const missing: string[] = [];
    for (const file of markdownFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/`(test\/[^`]+\.test\.ts)`((?:[\s,;]*(?:and\s+)?"[^"\n]+")+)/g)) {
        const testFile = match[1]!;
        if (!existsSync(join(root, testFile))) {
          missing.push(`${file}: ${testFile}`);
          continue;
        }
        const source = readFileSync(join(root, testFile), 'utf8');
        for (const [, name] of match[2]!.matchAll(/"([^"\n]+)"/g)) {
          // Generated names (matrix rows) live in the data the test iterates over.
          if (!source.includes(name!) && !sources.some((other) => other.includes(`'${name}'`)))
            missing.push(`${file}: ${testFile} "${name}"`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('documents exactly the environment variables the config module reads', () => {
    const read = new Set<string>();
    const recording = (values: Record<string, string>) =>
      new Proxy(values, {
        get(target, key) {
          if (typeof key === 'string') read.add(key);
          return target[key as string];
        },
      });
    const devSecretsFile = join(mkdtempSync(join(tmpdir(), 'docs-config-')), 'dev-secrets.json');
    loadConfig(recording({}), { devSecretsFile });
    loadConfig(
      recording({ NODE_ENV: 'production', JWT_ISSUER: 'https://i.test', JWT_AUDIENCE: 'https://a.test', ...generateSecrets() }),
      { devSecretsFile },
    );
    const doc = readFileSync(join(root, 'docs/configuration.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([A-Z][A-Z0-9_]+)` +\|/gm)].map((m) => m[1]!));
    const fileVariants = new Set(
      [...doc.matchAll(/`([A-Z][A-Z0-9_]+_FILE)`/g)]
        .map((m) => m[1]!)
        .filter((name) => documented.has(name.slice(0, -'_FILE'.length))),
    );
    // X_FILE is the file variant of secret X (TLS_CERT_FILE is a plain variable: no TLS_CERT).
    const isFileVariant = (name: string) => name.endsWith('_FILE') && read.has(name.slice(0, -'_FILE'.length));
    const plain = [...read].filter((name) => !isFileVariant(name));
    const files = [...read].filter(isFileVariant);
    assert.deepEqual([...documented].sort(), plain.sort(), 'table rows of docs/configuration.md vs variables read');
    assert.deepEqual([...fileVariants].sort(), files.sort(), '_FILE variants named in docs/configuration.md vs read');
    const example = readFileSync(join(root, '.env.example'), 'utf8');
    const inExample = new Set([...example.matchAll(/^([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]!));
    assert.deepEqual([...inExample].sort(), plain.sort(), '.env.example vs variables read');
  });
});
