import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { startTestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';

/**
 * Several instances appending to one database must keep one valid chain: appends serialise on
 * the chain head (a PostgreSQL advisory lock; SQLite's single writer). Two app instances on one
 * database, loaded at the same time.
 */
describe('audit chain with concurrent writers', () => {
  it('keeps one valid chain when two instances append at the same time', async () => {
    const db = await createTestDatabase();
    const a = await startTestApp({}, {}, db);
    const b = await startTestApp({}, {}, db);
    try {
      const requests = Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).http.get(`/api/v1/missing-${i}`).set('X-Request-Id', `concurrent-${i}-writer`),
      );
      const responses = await Promise.all(requests);
      assert.ok(responses.every((res) => res.status === 404));
      const result = await a.app.get(AuditVerifier).verify();
      assert.equal(result.valid, true, JSON.stringify(result));
      assert.ok(result.checked >= 60, `only ${result.checked} events`);
    } finally {
      await b.app.close();
      await a.app.close();
      await db.drop();
    }
  });
});
