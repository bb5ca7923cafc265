import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import { generateSecrets } from '../../src/config/secret-generator.js';
import { headingAnchors, headingSlug } from '../support/markdown-headings.js';

/**
 * The docs are the implementation guide, so they must not drift from the code: every path they
 * name exists, every test they cite exists by name, docs/configuration.md lists exactly the
 * variables the config module reads, SECURITY.md exists and is checked like the docs, and the
 * control matrix covers every OWASP API Security Top 10 2023 risk. The repository stands alone:
 * nothing cites a document outside it, and every cited document and heading exists, whether the
 * citation is a markdown link, a path in prose, backticks or a code comment. (Every OpenAPI route appearing
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

/** Every text a fork reads: code, tests, docs, the benchmark, and the root documents. */
const citingFiles = () => [
  ...['src', 'test', 'docs', 'bench'].flatMap(walk),
  ...['README.md', 'SECURITY.md', '.env.example'].filter((file) => existsSync(join(root, file))),
];

const anchorsOf = new Map<string, Set<string>>();
function anchors(file: string): Set<string> {
  if (!anchorsOf.has(file)) anchorsOf.set(file, headingAnchors(readFileSync(join(root, file), 'utf8')));
  return anchorsOf.get(file)!;
}

/** A cited heading (an anchor or a quoted heading title) that the cited markdown file lacks, or undefined. */
function missingHeading(file: string, anchor: string | undefined, title: string | undefined): string | undefined {
  if (anchor !== undefined && !anchors(file).has(anchor)) return `${file}#${anchor}`;
  if (title !== undefined && !anchors(file).has(headingSlug(title))) return `${file} "${title}"`;
  return undefined;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

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

  it('cites no document outside the repository', () => {
    // The contract and design notes once lived outside the repository, and so does the team's
    // issue tracker (an issue number with a section sign): a fork can follow neither.
    const outside = /\bAPI\.md\b|\bDESIG[N]\b|\b[Ii]ssue #?\d+\b/g;
    const found: string[] = [];
    for (const file of citingFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(outside)) found.push(`${file}:${lineOf(text, match.index)}: ${match[0]}`);
    }
    assert.deepEqual(found, []);
  });

  it('links only to markdown headings that exist', () => {
    const missing: string[] = [];
    for (const file of markdownFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(/\]\((?!https?:|mailto:)([^)#\s]*)#([^)\s]+)\)/g)) {
        const target = match[1] === '' ? file : join(dirname(file), match[1]!);
        if (!target.endsWith('.md') || !existsSync(join(root, target))) continue; // missing files: the test above
        const gap = missingHeading(target, match[2]!, undefined);
        if (gap) missing.push(`${file}:${lineOf(text, match.index)}: ${gap}`);
      }
    }
    assert.deepEqual(missing, []);
  });

  it('cites only docs and headings that exist, in prose, backticks and code comments alike', () => {
    // `docs/<page>.md`, docs/<page>.md#anchor and docs/<page>.md "Heading", anywhere in the repository's texts.
    const citation = /(?<![\w./-])(docs\/[\w./-]+\.md|README\.md|SECURITY\.md)(?:#([\w-]+)|`?\s+"([^"\n]+)")?/g;
    const missing: string[] = [];
    for (const file of citingFiles()) {
      const text = readFileSync(join(root, file), 'utf8');
      for (const match of text.matchAll(citation)) {
        const [, cited, anchor, title] = match;
        const where = `${file}:${lineOf(text, match.index)}`;
        if (!existsSync(join(root, cited!))) missing.push(`${where}: ${cited}`);
        else {
          const gap = missingHeading(cited!, anchor, title);
          if (gap) missing.push(`${where}: ${gap}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('computes heading anchors as GitHub does', () => {
    const text = [
      '# Key rotation runbook (`FIELD_ENCRYPTION_KEYS`)',
      '## API1: Broken object level authorization',
      '## Input hygiene: what every route refuses before it runs',
      '```sh',
      '# not a heading',
      '```',
      '## Notes',
      '## Notes',
      '### Logs, audit and security events are different things',
    ].join('\n');
    assert.deepEqual(
      [...headingAnchors(text)],
      [
        'key-rotation-runbook-field_encryption_keys',
        'api1-broken-object-level-authorization',
        'input-hygiene-what-every-route-refuses-before-it-runs',
        'notes',
        'notes-1',
        'logs-audit-and-security-events-are-different-things',
      ],
    );
  });
});
