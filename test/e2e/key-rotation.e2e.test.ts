import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { runReencrypt } from '../../src/cli/commands/reencrypt.command.js';
import { loadConfig } from '../../src/config/load-config.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { CRYPTO_PROBE_SCHEMA, CryptoProbeModule } from './crypto-probe/crypto-probe.module.js';
import { rawQuery } from './crypto-probe/raw-sql.js';

/**
 * The FIELD_ENCRYPTION_KEYS rotation runbook (docs/data-protection.md), end to end across
 * restarts on one database: k1 → (k2,k1) → `reencrypt` → k2 alone (ASVS 11.2.2 / 13.3.4).
 */
const K1 = `k1:${randomBytes(32).toString('base64')}`;
const K2 = `k2:${randomBytes(32).toString('base64')}`;
const BLIND_INDEX_KEY = randomBytes(32).toString('base64');
const ROWS = 5;
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('field-key rotation', () => {
  let db: TestDatabase;
  const ids: string[] = [];
  const start = (keys: string): Promise<TestApp> =>
    startTestApp(
      { FIELD_ENCRYPTION_KEYS: keys, BLIND_INDEX_KEY },
      { schema: CRYPTO_PROBE_SCHEMA, extraModules: [CryptoProbeModule] },
      db,
    );

  async function storedKeyIds(t: TestApp): Promise<string[]> {
    const rows = await rawQuery(t.app.get(DataSource), 'SELECT secret, other_secret, email FROM crypto_probe');
    return rows
      .flatMap((row) => Object.values(row))
      .filter((value) => typeof value === 'string')
      .map((value) => value.split('.')[1]!);
  }

  async function assertAllReadable(t: TestApp): Promise<void> {
    for (const [i, id] of ids.entries()) {
      const res = await t.http.get(`/api/v1/crypto-probe/${id}`);
      assert.equal(res.status, 200, `row ${i}`);
      assert.equal(res.body.secret, `secret ${i}`);
      const byEmail = await t.http.get('/api/v1/crypto-probe/by-email').query({ email: `USER${i}@example.com` });
      assert.equal(byEmail.body.id, id, 'blind index must survive field-key rotation');
    }
  }

  before(async () => {
    db = await createTestDatabase();
    const t = await start(K1);
    try {
      for (let i = 0; i < ROWS; i++) {
        const res = await t.http
          .post('/api/v1/crypto-probe')
          .send({ secret: `secret ${i}`, email: `user${i}@example.com`, ...(i % 2 === 0 ? { otherSecret: `other ${i}` } : {}) });
        assert.equal(res.status, 201);
        ids.push(res.body.id as string);
      }
      assert.deepEqual(new Set(await storedKeyIds(t)), new Set(['k1']));
    } finally {
      await t.close();
    }
  });
  after(async () => db.drop());

  it('step 1: with k2 prepended, old values still read and new values are written under k2', async () => {
    const t = await start(`${K2},${K1}`);
    try {
      await assertAllReadable(t);
      const res = await t.http.post('/api/v1/crypto-probe').send({ secret: `secret ${ROWS}`, email: `user${ROWS}@example.com` });
      ids.push(res.body.id as string);
      const fresh = await rawQuery(t.app.get(DataSource), 'SELECT secret FROM crypto_probe WHERE id = :id', { id: res.body.id });
      assert.match(String(fresh[0]?.secret), /^v1\.k2\./);
    } finally {
      await t.close();
    }
  });

  it('removing k1 before re-encrypting makes old rows unreadable (generic 500), so the order matters', async () => {
    const t = await start(K2);
    try {
      assert.equal((await t.http.get(`/api/v1/crypto-probe/${ids[0]!}`)).status, 500);
    } finally {
      await t.close();
    }
  });

  it('step 2: reencrypt rewrites every value not under k2, in batches, and reports counts per column', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      FIELD_ENCRYPTION_KEYS: `${K2},${K1}`,
      BLIND_INDEX_KEY,
    });
    const lines: string[] = [];
    const report = await runReencrypt(config, { schema: CRYPTO_PROBE_SCHEMA, batchSize: 2, write: (line) => lines.push(line) });
    assert.equal(report.get('crypto_probe.secret'), ROWS);
    assert.equal(report.get('crypto_probe.other_secret'), Math.ceil(ROWS / 2));
    assert.equal(report.get('crypto_probe.email'), ROWS);
    assert.ok(lines.includes(`crypto_probe.secret: ${ROWS} rewritten\n`), lines.join(''));
    assert.ok(lines.includes(`crypto_probe.other_secret: ${Math.ceil(ROWS / 2)} rewritten\n`));

    // Idempotent: a second run (or a rerun after an interruption) has nothing left to do.
    const again = await runReencrypt(config, { schema: CRYPTO_PROBE_SCHEMA, write: () => undefined });
    assert.deepEqual(
      [...again.entries()].filter(([column]) => column.startsWith('crypto_probe.')).map(([, n]) => n),
      [0, 0, 0],
    );
  });

  it('step 3: with k1 removed every row still reads, and the blind index still finds it', async () => {
    const t = await start(K2);
    try {
      assert.deepEqual(new Set(await storedKeyIds(t)), new Set(['k2']));
      await assertAllReadable(t);
    } finally {
      await t.close();
    }
  });

  it('is wired as `cli reencrypt` (built CLI, environment configuration)', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: db.url,
      FIELD_ENCRYPTION_KEYS: K2,
      BLIND_INDEX_KEY,
    };
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, 'reencrypt', '--batch-size', '100'], {
      env,
      timeout: 30_000,
    });
    assert.match(stdout, /re-encryption complete: every encrypted field is under key "k2"/);
    assert.doesNotMatch(stdout, /[1-9]\d* rewritten/);
  });
});
