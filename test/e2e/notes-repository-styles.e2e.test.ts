import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DataSource } from 'typeorm';
import type { NoteScope } from '../../src/notes/note.policy.js';
import { CompiledNotesRepository } from '../../src/notes/notes.compiled-queries.js';
import { NotesRepository } from '../../src/notes/notes.repository.js';
import { bearer, login, registerUser, type Account } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * The notes repository a fork copies (plain DataSource queries) and the hand-compiled one the
 * service runs with must answer alike: same rows for every policy scope, same shares, and a note
 * written by either is read back by the other, its encrypted body included.
 */
describe('notes repository: the plain example and its hand-compiled variant', () => {
  let t: TestApp;
  let plain: NotesRepository;
  let compiled: NotesRepository;
  let owner: Account;
  let reader: Account;
  let stranger: Account;

  before(async () => {
    t = await startTestApp();
    const dataSource = t.app.get(DataSource);
    plain = new NotesRepository(dataSource);
    compiled = new CompiledNotesRepository(dataSource);
    owner = await registerUser(t, 'owner');
    reader = await registerUser(t, 'reader');
    stranger = await registerUser(t, 'stranger');
  });
  after(async () => t.close());

  const newNote = (title: string) => {
    const now = new Date();
    return { id: randomUUID(), ownerId: owner.id, title, body: `${title} body`, createdAt: now, updatedAt: now };
  };

  for (const [writer, readerRepo] of [
    ['plain', 'compiled'],
    ['compiled', 'plain'],
  ] as const) {
    it(`reads with the ${readerRepo} repository, for every scope, what the ${writer} one wrote`, async () => {
      const repos = { plain, compiled };
      const note = await repos[writer].insert(newNote(`written by ${writer}`));
      await repos[writer].share(note.id, reader.id);
      const scopes: [NoteScope, boolean][] = [
        [{ kind: 'owned', userId: owner.id }, true],
        [{ kind: 'readable', userId: owner.id }, true],
        [{ kind: 'readable', userId: reader.id }, true],
        [{ kind: 'owned', userId: reader.id }, false],
        [{ kind: 'readable', userId: stranger.id }, false],
        [{ kind: 'any' }, true],
      ];
      for (const [scope, visible] of scopes) {
        const fromPlain = await plain.findOne(note.id, scope);
        const fromCompiled = await compiled.findOne(note.id, scope);
        assert.deepEqual(fromPlain, fromCompiled, `same answer for ${JSON.stringify(scope)}`);
        assert.equal(fromPlain !== null, visible, `visibility for ${JSON.stringify(scope)}`);
        if (visible) assert.equal(fromPlain?.body, `written by ${writer} body`);
      }
      assert.deepEqual(await plain.sharedWith(note.id), [reader.id]);
      assert.deepEqual(await compiled.sharedWith(note.id), [reader.id]);
    });
  }

  it('serves a note the plain repository wrote through the API, decrypted', async () => {
    const note = await plain.insert(newNote('served'));
    const { accessToken } = await login(t, owner);
    const res = await t.http.get(`/api/v1/notes/${note.id}`).set(...bearer(accessToken));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body.body, 'served body');
  });
});
