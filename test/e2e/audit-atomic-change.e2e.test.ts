import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditStore, type NewAuditEvent } from '../../src/audit/audit-store.js';
import { AuditVerifier } from '../../src/audit/audit-verifier.js';
import { auditRowsFor } from '../support/audit-rows.js';
import { bearer, login, registerUser, strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * "No side effect without a recorded event". A state-changing request and its
 * audit event commit in one transaction (docs/audit.md, "Changes and their event commit
 * together"): if the event cannot be written, the client gets 503 and the change is rolled back.
 */
describe('audit trail: a change commits only with its event', () => {
  let t: TestApp;
  let owner: string;
  let other: string;

  before(async () => {
    t = await startTestApp();
    owner = (await login(t, await registerUser(t, 'atomic-owner'))).accessToken;
    other = (await login(t, await registerUser(t, 'atomic-other'))).accessToken;
  });
  after(async () => t.close());

  const createNote = async (token: string, title: string): Promise<string> => {
    const res = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .send({ title, body: 'atomic' });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body.id as string;
  };
  const noteCount = async (id: string): Promise<number> => {
    const placeholder = t.db.kind === 'postgres' ? '$1' : '?';
    const [row] = await t.app.get(DataSource).query(`SELECT COUNT(*) AS n FROM notes WHERE id = ${placeholder}`, [id]);
    return Number(row.n);
  };

  /** Makes the audit write of requests whose route matches fail, after a pause (so others overlap). */
  const failAuditOf = (matches: (event: NewAuditEvent) => boolean) => {
    const store = t.app.get(AuditStore);
    const original = store.appendWithin.bind(store);
    store.appendWithin = async (manager: EntityManager, ...events: readonly NewAuditEvent[]) => {
      if (events.some(matches)) {
        await sleep(50);
        throw Object.assign(new Error('audit store unavailable'), { driverError: { code: '08006' } });
      }
      return original(manager, ...events);
    };
    return () => {
      store.appendWithin = original;
    };
  };

  it('answers 503 to a DELETE whose audit event cannot be written, and the note still exists', async () => {
    const id = await createNote(owner, 'keep me');
    const correlation = `atomic-delete-${randomUUID()}`;
    const restore = failAuditOf((event) => event.action === 'note.delete');
    let res;
    try {
      res = await t.http
        .delete(`/api/v1/notes/${id}`)
        .set(...bearer(owner))
        .set('X-Request-Id', correlation);
    } finally {
      restore();
    }
    assert.equal(res.status, 503, JSON.stringify(res.body));
    assert.equal(await noteCount(id), 1, 'the note was deleted although its event was never written');
    assert.equal((await t.http.get(`/api/v1/notes/${id}`).set(...bearer(owner))).status, 200);
    assert.equal((await auditRowsFor(t, correlation)).length, 0, 'no event claims a deletion that did not happen');

    // With the trail working again, the same DELETE goes through and is recorded once.
    const again = `atomic-delete-ok-${randomUUID()}`;
    const ok = await t.http
      .delete(`/api/v1/notes/${id}`)
      .set(...bearer(owner))
      .set('X-Request-Id', again);
    assert.equal(ok.status, 204);
    assert.equal(await noteCount(id), 0);
    const rows = await auditRowsFor(t, again);
    assert.equal(rows.length, 1);
    assert.equal(rows[0]!.action, 'note.delete');
    assert.equal(rows[0]!.resource_id, id);
    assert.equal((await t.app.get(AuditVerifier).verify()).valid, true);
  });

  it("rolls back only the failing request: another client's concurrent change is kept", async () => {
    const doomed = await createNote(owner, 'doomed delete');
    const restore = failAuditOf((event) => event.action === 'note.delete');
    let results;
    try {
      results = await Promise.all([
        t.http.delete(`/api/v1/notes/${doomed}`).set(...bearer(owner)),
        // Sent while the DELETE's transaction is open: on SQLite's one connection it must not join it.
        sleep(10).then(() =>
          t.http
            .post('/api/v1/notes')
            .set(...bearer(other))
            .send({ title: 'concurrent', body: 'kept' }),
        ),
        sleep(20).then(() =>
          t.http
            .patch(`/api/v1/notes/${doomed}`)
            .set(...bearer(owner))
            .send({ title: 'renamed meanwhile' }),
        ),
      ]);
    } finally {
      restore();
    }
    const [deleted, created, patched] = results;
    assert.equal(deleted.status, 503);
    assert.equal(created.status, 201);
    assert.equal(await noteCount(created.body.id), 1, 'a concurrent request lost its committed change');
    assert.equal(await noteCount(doomed), 1);
    assert.equal(patched.status, 200);
    const read = await t.http.get(`/api/v1/notes/${doomed}`).set(...bearer(owner));
    assert.equal(read.body.title, 'renamed meanwhile', 'a concurrent update to the same note was lost');
    assert.equal((await t.app.get(AuditVerifier).verify()).valid, true);
  });

  it('keeps a failed request’s own evidence: a refused change (404) is recorded and changes nothing', async () => {
    const correlation = `atomic-missing-${randomUUID()}`;
    const res = await t.http
      .delete(`/api/v1/notes/${randomUUID()}`)
      .set(...bearer(owner))
      .set('X-Request-Id', correlation);
    assert.equal(res.status, 404);
    const rows = await auditRowsFor(t, correlation);
    assert.equal(rows.length, 1);
    assert.equal(Number(rows[0]!.status), 404);
  });
  it('answers a registration race with one 201 and 409s, each with its one event', async () => {
    const email = `race-${randomUUID()}@example.com`;
    const correlations = Array.from({ length: 6 }, (_, i) => `register-race-${i}-${randomUUID()}`);
    const responses = await Promise.all(
      correlations.map((correlation) =>
        t.http
          .post('/api/v1/auth/register')
          .set('X-Request-Id', correlation)
          .send({ email, password: strongPassword(), displayName: 'Racer' }),
      ),
    );
    const statuses = responses.map((res) => res.status).sort();
    assert.deepEqual(statuses, [201, 409, 409, 409, 409, 409], JSON.stringify(responses.map((res) => res.body)));
    for (const [i, correlation] of correlations.entries()) {
      const rows = await auditRowsFor(t, correlation);
      assert.equal(rows.length, 1, `request ${i} has exactly one event`);
      assert.equal(rows[0]!.status, responses[i]!.status);
    }
    assert.equal((await t.app.get(AuditVerifier).verify()).valid, true);
  });
});
