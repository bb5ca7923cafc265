import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { DecryptionError } from '../../src/crypto/decryption.error.js';
import { SecurityEvents, type SecurityEventDetails, type SecurityEventType } from '../../src/security-events/security-events.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { TEST_DATABASE_KIND } from '../support/test-database.js';
import { CryptoProbe } from './crypto-probe/crypto-probe.entity.js';
import { CRYPTO_PROBE_SCHEMA, CryptoProbeModule } from './crypto-probe/crypto-probe.module.js';
import { rawProbe, rawQuery } from './crypto-probe/raw-sql.js';

/** Encrypted columns (ASVS 14.2.4 / 11.3.3, OWASP API3:2023) proven against the real app and database. */
const SECRET = 'the patient secret Grüße 👋';
const OTHER = 'another sensitive value';
const EMAIL = 'Alice.Secret@Example.com';
const STORED = /^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/;

describe('encrypted columns', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let id: string;
  const events: { type: SecurityEventType; details: SecurityEventDetails }[] = [];

  before(async () => {
    t = await startTestApp({}, { schema: CRYPTO_PROBE_SCHEMA, extraModules: [CryptoProbeModule] });
    dataSource = t.app.get(DataSource);
    // Spy on the real port instance FieldCrypto reports to; the log line itself is unit-tested.
    const port = t.app.get(SecurityEvents);
    const record = port.record.bind(port);
    port.record = (type, details) => {
      events.push({ type, details });
      record(type, details);
    };
    const res = await t.http.post('/api/v1/crypto-probe').send({ secret: SECRET, otherSecret: OTHER, email: EMAIL });
    assert.equal(res.status, 201);
    id = res.body.id as string;
  });
  after(async () => t.close());

  it('stores ciphertext, never the plaintext, in the table', async () => {
    const row = await rawProbe(dataSource, id);
    for (const [column, plaintext] of [
      ['secret', SECRET],
      ['other_secret', OTHER],
      ['email', EMAIL],
    ] as const) {
      assert.match(row[column] ?? '', STORED, column);
      assert.ok(!row[column]!.includes(plaintext.slice(0, 8)), `${column} holds plaintext`);
      assert.ok(row[column]!.startsWith(`v1.${t.config.fieldEncryptionKeys[0]!.id}.`), `${column} is not under the active key`);
    }
    assert.match(row.email_hash ?? '', /^[0-9a-f]{64}$/);
  });

  it('leaves no plaintext anywhere in the SQLite database files', { skip: TEST_DATABASE_KIND !== 'sqlite' }, async () => {
    const path = t.db.url.slice('sqlite:'.length);
    const bytes = Buffer.concat([path, `${path}-wal`].filter((file) => existsSync(file)).map((file) => readFileSync(file)));
    for (const plaintext of [SECRET, OTHER, EMAIL, EMAIL.toLowerCase()]) {
      assert.equal(bytes.indexOf(Buffer.from(plaintext, 'utf8')), -1, `"${plaintext}" found in the database file`);
    }
  });

  it('round-trips through HTTP and the repository, with a fresh nonce on every write', async () => {
    const res = await t.http.get(`/api/v1/crypto-probe/${id}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, { id, secret: SECRET, otherSecret: OTHER, email: EMAIL });

    const repository = dataSource.getRepository(CryptoProbe);
    const before = await rawProbe(dataSource, id);
    await repository.update({ id }, { secret: SECRET });
    const afterUpdate = await rawProbe(dataSource, id);
    assert.notEqual(afterUpdate.secret, before.secret, 'same plaintext must not give the same ciphertext');
    assert.equal((await repository.findOneByOrFail({ id })).secret, SECRET);
  });

  it('keeps NULL as NULL in a nullable encrypted column', async () => {
    const res = await t.http.post('/api/v1/crypto-probe').send({ secret: 's', email: 'nobody@example.com' });
    assert.equal(res.status, 201);
    assert.equal((await rawProbe(dataSource, res.body.id as string)).other_secret, null);
    assert.equal((await t.http.get(`/api/v1/crypto-probe/${res.body.id as string}`)).body.otherSecret, null);
  });

  it('refuses a value copied into another column: generic 500, decryption_failure event, nothing leaked', async () => {
    const res = await t.http
      .post('/api/v1/crypto-probe')
      .send({ secret: 'moved secret', otherSecret: 'x', email: 'moved@example.com' });
    const movedId = res.body.id as string;
    const original = await rawProbe(dataSource, movedId);
    await rawQuery(dataSource, 'UPDATE crypto_probe SET other_secret = secret WHERE id = :id', { id: movedId });
    events.length = 0;

    const read = await t.http.get(`/api/v1/crypto-probe/${movedId}`);
    assert.equal(read.status, 500);
    assert.match(read.headers['content-type'] ?? '', /application\/problem\+json/);
    assert.deepEqual(Object.keys(read.body).sort(), ['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    for (const leak of [
      'moved secret',
      original.secret!,
      'v1.',
      'crypto_probe',
      'other_secret',
      'decrypt',
      'Decrypt',
      'GCM',
      'authentication',
    ]) {
      assert.ok(!read.text.includes(leak), `500 body leaks "${leak}"`);
    }
    const keyId = t.config.fieldEncryptionKeys[0]!.id;
    assert.deepEqual(events, [
      {
        type: 'decryption_failure',
        details: { table: 'crypto_probe', column: 'other_secret', keyId, reason: 'authentication-failed' },
      },
    ]);

    // The same refusal through the repository: a dedicated error, never garbage.
    await assert.rejects(dataSource.getRepository(CryptoProbe).findOneBy({ id: movedId }), DecryptionError);
  });

  it('refuses a tampered stored value with a generic 500', async () => {
    const res = await t.http.post('/api/v1/crypto-probe').send({ secret: 'tamper me', email: 'tamper@example.com' });
    const tamperedId = res.body.id as string;
    const stored = (await rawProbe(dataSource, tamperedId)).secret!;
    const flipped = stored.slice(0, -3) + (stored.at(-3) === 'A' ? 'B' : 'A') + stored.slice(-2);
    await rawQuery(dataSource, 'UPDATE crypto_probe SET secret = :flipped WHERE id = :id', { flipped, id: tamperedId });
    events.length = 0;
    const read = await t.http.get(`/api/v1/crypto-probe/${tamperedId}`);
    assert.equal(read.status, 500);
    assert.ok(!read.text.includes('tamper me'));
    assert.equal(events[0]?.details.reason, 'authentication-failed');
  });

  it('keeps working while a second app with other keys starts and stops in the same process', async () => {
    const other = await startTestApp({}, { schema: CRYPTO_PROBE_SCHEMA, extraModules: [CryptoProbeModule] });
    try {
      const res = await other.http.post('/api/v1/crypto-probe').send({ secret: 'other app', email: 'other@example.com' });
      assert.equal((await other.http.get(`/api/v1/crypto-probe/${res.body.id as string}`)).body.secret, 'other app');
    } finally {
      await other.close();
    }
    const read = await t.http.get(`/api/v1/crypto-probe/${id}`);
    assert.equal(read.status, 200);
    assert.equal(read.body.secret, SECRET);
  });
});
