import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import { bearer, login, registerUser, type Account } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/** docs/http-contract.md#notes beyond the matrix: views, pagination, mass assignment, existence oracles, encryption. */
describe('notes', () => {
  let t: TestApp;
  let owner: Account;
  let reader: Account;
  let stranger: Account;
  let ownerToken: string;
  let readerToken: string;
  let strangerToken: string;

  before(async () => {
    t = await startTestApp();
    [owner, reader, stranger] = await Promise.all([
      registerUser(t, 'owner'),
      registerUser(t, 'reader'),
      registerUser(t, 'stranger'),
    ]);
    [ownerToken, readerToken, strangerToken] = (await Promise.all([login(t, owner), login(t, reader), login(t, stranger)])).map(
      (p) => p.accessToken,
    );
  });
  after(async () => t.close());

  const create = async (title = 'Title', body = 'Body') => {
    const res = await t.http
      .post('/api/v1/notes')
      .set(...bearer(ownerToken))
      .send({ title, body });
    assert.equal(res.status, 201);
    return res.body as { id: string };
  };

  it('returns exactly the note view', async () => {
    const res = await t.http
      .post('/api/v1/notes')
      .set(...bearer(ownerToken))
      .send({ title: 'Plan', body: 'Attack at dawn' });
    assert.deepEqual(Object.keys(res.body).sort(), ['body', 'createdAt', 'id', 'ownerId', 'sharedWith', 'title', 'updatedAt']);
    assert.equal(res.body.ownerId, owner.id);
    assert.deepEqual(res.body.sharedWith, []);
  });

  it('refuses ownerId and other undeclared fields with 400', async () => {
    const res = await t.http
      .post('/api/v1/notes')
      .set(...bearer(strangerToken))
      .send({ title: 'x', body: 'y', ownerId: owner.id });
    assert.equal(res.status, 400);
    assert.ok(res.body.errors.some((e: { field: string }) => e.field === 'ownerId'));
    const note = await create();
    const patch = await t.http
      .patch(`/api/v1/notes/${note.id}`)
      .set(...bearer(ownerToken))
      .send({ ownerId: stranger.id });
    assert.equal(patch.status, 400);
    const bad = await t.http
      .post('/api/v1/notes')
      .set(...bearer(ownerToken))
      .send({ title: '', body: 'y' });
    assert.equal(bad.status, 400);
    const long = await t.http
      .post('/api/v1/notes')
      .set(...bearer(ownerToken))
      .send({ title: 'x', body: 'y'.repeat(20_001) });
    assert.equal(long.status, 400);
  });

  it('answers a hidden note exactly like a missing one', async () => {
    const note = await create();
    const hidden = await t.http.get(`/api/v1/notes/${note.id}`).set(...bearer(strangerToken));
    const missing = await t.http.get(`/api/v1/notes/${randomUUID()}`).set(...bearer(strangerToken));
    assert.equal(hidden.status, 404);
    assert.equal(missing.status, 404);
    const strip = (body: Record<string, unknown>) => ({ ...body, requestId: undefined, instance: undefined });
    assert.deepEqual(strip(hidden.body), strip(missing.body));
    for (const method of ['patch', 'delete'] as const) {
      const a = await t.http[method](`/api/v1/notes/${note.id}`)
        .set(...bearer(strangerToken))
        .send(method === 'patch' ? { title: 'x' } : undefined);
      const b = await t.http[method](`/api/v1/notes/${randomUUID()}`)
        .set(...bearer(strangerToken))
        .send(method === 'patch' ? { title: 'x' } : undefined);
      assert.equal(a.status, 404);
      assert.deepEqual(strip(a.body), strip(b.body));
    }
    assert.equal((await t.http.get('/api/v1/notes/not-a-uuid').set(...bearer(ownerToken))).status, 400);
  });

  it('lets a shared reader read but not change, and shows them only themselves in sharedWith', async () => {
    const note = await create('Shared', 'for two');
    assert.equal(
      (
        await t.http
          .post(`/api/v1/notes/${note.id}/shares`)
          .set(...bearer(ownerToken))
          .send({ userId: reader.id })
      ).status,
      204,
    );
    assert.equal(
      (
        await t.http
          .post(`/api/v1/notes/${note.id}/shares`)
          .set(...bearer(ownerToken))
          .send({ userId: stranger.id })
      ).status,
      204,
    );
    const asOwner = await t.http.get(`/api/v1/notes/${note.id}`).set(...bearer(ownerToken));
    assert.deepEqual([...asOwner.body.sharedWith].sort(), [reader.id, stranger.id].sort());
    const asReader = await t.http.get(`/api/v1/notes/${note.id}`).set(...bearer(readerToken));
    assert.equal(asReader.status, 200);
    assert.deepEqual(asReader.body.sharedWith, [reader.id]);
    assert.equal(
      (
        await t.http
          .patch(`/api/v1/notes/${note.id}`)
          .set(...bearer(readerToken))
          .send({ body: 'mine now' })
      ).status,
      403,
    );
    assert.equal((await t.http.delete(`/api/v1/notes/${note.id}`).set(...bearer(readerToken))).status, 403);
    assert.equal((await t.http.delete(`/api/v1/notes/${note.id}/shares/${reader.id}`).set(...bearer(ownerToken))).status, 204);
    assert.equal(
      (await t.http.get(`/api/v1/notes/${note.id}`).set(...bearer(readerToken))).status,
      404,
      'unsharing takes effect at once',
    );
    const self = await t.http
      .post(`/api/v1/notes/${note.id}/shares`)
      .set(...bearer(ownerToken))
      .send({ userId: owner.id });
    assert.equal(self.status, 400);
    const nobody = await t.http
      .post(`/api/v1/notes/${note.id}/shares`)
      .set(...bearer(ownerToken))
      .send({ userId: randomUUID() });
    assert.equal(nobody.status, 404);
  });

  it('lists own and shared notes only', async () => {
    const fresh = await registerUser(t, 'lister');
    const token = (await login(t, fresh)).accessToken;
    const mine = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .send({ title: 'mine', body: 'm' });
    const shared = await create('shared-with-lister', 's');
    await t.http
      .post(`/api/v1/notes/${shared.id}/shares`)
      .set(...bearer(ownerToken))
      .send({ userId: fresh.id });
    await create('not-for-lister', 'n');
    const res = await t.http.get('/api/v1/notes').set(...bearer(token));
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.items.map((n: { id: string }) => n.id).sort(), [mine.body.id, shared.id].sort());
    assert.equal(res.body.total, 2);
  });

  it('paginates with a default of 20 and refuses a limit above 100', async () => {
    const fresh = await registerUser(t, 'pager');
    const token = (await login(t, fresh)).accessToken;
    for (let i = 0; i < 23; i++)
      await t.http
        .post('/api/v1/notes')
        .set(...bearer(token))
        .send({ title: `n${i}`, body: 'b' });
    const first = await t.http.get('/api/v1/notes').set(...bearer(token));
    assert.equal(first.body.items.length, 20);
    assert.deepEqual([first.body.page, first.body.limit, first.body.total], [1, 20, 23]);
    const second = await t.http.get('/api/v1/notes?page=2&limit=20').set(...bearer(token));
    assert.equal(second.body.items.length, 3);
    assert.equal((await t.http.get('/api/v1/notes?limit=100').set(...bearer(token))).status, 200);
    assert.equal((await t.http.get('/api/v1/notes?limit=101').set(...bearer(token))).status, 400);
    assert.equal((await t.http.get('/api/v1/notes?limit=0').set(...bearer(token))).status, 400);
    assert.equal((await t.http.get('/api/v1/notes?page=abc').set(...bearer(token))).status, 400);
    assert.equal((await t.http.get('/api/v1/notes?limit=5&limit=500').set(...bearer(token))).status, 400);
  });

  it('stores the body encrypted: the database never holds it in plaintext', async () => {
    const canary = `canary-body-${randomUUID()}`;
    const note = await create('canary', canary);
    const [row] = await t.app.get(DataSource).query(`SELECT body FROM notes WHERE id = '${note.id}'`);
    assert.ok(!String(row.body).includes(canary));
    if (t.db.kind === 'sqlite') {
      await t.app.get(DataSource).query('PRAGMA wal_checkpoint(TRUNCATE)');
      const file = readFileSync(t.db.url.slice('sqlite:'.length));
      assert.equal(file.includes(Buffer.from(canary)), false, 'plaintext body found in the SQLite file');
    }
    const read = await t.http.get(`/api/v1/notes/${note.id}`).set(...bearer(ownerToken));
    assert.equal(read.body.body, canary);
  });
});
