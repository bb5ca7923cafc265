import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource, QueryFailedError } from 'typeorm';
import { BlindIndexService } from '../../src/crypto/blind-index.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { CryptoProbe } from './crypto-probe/crypto-probe.entity.js';
import { CRYPTO_PROBE_SCHEMA, CryptoProbeModule } from './crypto-probe/crypto-probe.module.js';
import { rawProbe } from './crypto-probe/raw-sql.js';

/** Equality lookups and uniqueness on an encrypted email through its blind index (docs/architecture.md#crypto-behind-two-small-seams). */
describe('blind index', () => {
  let t: TestApp;
  let id: string;

  before(async () => {
    t = await startTestApp({}, { schema: CRYPTO_PROBE_SCHEMA, extraModules: [CryptoProbeModule] });
    const res = await t.http.post('/api/v1/crypto-probe').send({ secret: 's', email: 'Bob.Builder@Example.com' });
    assert.equal(res.status, 201);
    id = res.body.id as string;
  });
  after(async () => t.close());

  it('stores HMAC-SHA-256 of the normalised email under BLIND_INDEX_KEY', async () => {
    const row = await rawProbe(t.app.get(DataSource), id);
    assert.equal(row.email_hash, new BlindIndexService(t.config.blindIndexKey).email('bob.builder@example.com'));
    assert.ok(!row.email_hash!.includes('bob'));
  });

  it('finds the row by any spelling of the email, and nothing for another email', async () => {
    for (const spelling of ['bob.builder@example.com', '  BOB.BUILDER@EXAMPLE.COM ', 'ｂｏｂ.builder@example.com']) {
      const res = await t.http.get('/api/v1/crypto-probe/by-email').query({ email: spelling });
      assert.equal(res.status, 200, spelling);
      assert.equal(res.body.id, id);
      assert.equal(res.body.email, 'Bob.Builder@Example.com');
    }
    assert.equal((await t.http.get('/api/v1/crypto-probe/by-email').query({ email: 'bob2@example.com' })).status, 404);
  });

  it('rejects a second row with the same normalised email through the unique index', async () => {
    const repository = t.app.get(DataSource).getRepository(CryptoProbe);
    const blindIndex = t.app.get(BlindIndexService);
    await assert.rejects(
      repository.insert({
        id: randomUUID(),
        secret: 's',
        otherSecret: null,
        email: 'BOB.builder@example.com',
        emailHash: blindIndex.email('BOB.builder@example.com'),
      }),
      QueryFailedError,
    );
    assert.equal(await repository.count(), 1);
  });
});
