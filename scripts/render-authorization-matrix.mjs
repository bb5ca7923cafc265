// Rewrites the authorization matrix table in docs/authorization.md from
// test/e2e/matrix/authorization-matrix.table.ts (compiled to build/ by `npm run test:build`,
// which `npm run docs:matrix` runs first). test/unit/authorization-matrix-docs.test.ts fails
// until the docs show the current table.
import { readFileSync, writeFileSync } from 'node:fs';
import { renderMatrixTable, withMatrixBlock } from '../build/test/e2e/matrix/authorization-matrix.markdown.js';

const path = 'docs/authorization.md';
const before = readFileSync(path, 'utf8');
const after = withMatrixBlock(before, renderMatrixTable());
if (after === before) {
  console.log(`${path}: matrix already up to date`);
} else {
  writeFileSync(path, after);
  console.log(`${path}: matrix rewritten`);
}
