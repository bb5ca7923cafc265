// Writes the app's OpenAPI document to a file without serving it (`npm run openapi:write`,
// default build/openapi.json), for `npm run openapi:lint` and for client generators. The app is
// built exactly as main.ts builds it (createApp), on a throwaway SQLite database with generated
// secrets, and closed without listening: the document comes from the controllers, not a server.
import 'reflect-metadata';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createApp } from '../dist/app.factory.js';
import { loadConfig } from '../dist/config/load-config.js';
import { generateSecrets } from '../dist/config/secret-generator.js';
import { buildOpenApiDocument } from '../dist/openapi/openapi.js';

const out = process.argv[2] ?? 'build/openapi.json';
const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
try {
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: `sqlite:${join(dir, 'openapi.sqlite')}`,
    ...generateSecrets(),
  });
  const app = await createApp(config);
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  } finally {
    await app.close();
  }
  console.log(`${out}: OpenAPI document written`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
