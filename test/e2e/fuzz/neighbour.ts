import assert from 'node:assert/strict';
import { bearer, login, registerUser } from '../../support/identity.js';
import type { TestApp } from '../../support/test-app.js';

/**
 * An honest client that edits its own note while an attack is in flight, so both requests can
 * share one audit batch (group commit). Its account and note are outside every generator's
 * reach: nothing but a shared failure can disturb it.
 */
export class Neighbour {
  private constructor(
    private readonly t: TestApp,
    private readonly token: string,
    private readonly noteId: string,
  ) {}

  static async arrive(t: TestApp): Promise<Neighbour> {
    const account = await registerUser(t, 'fuzz-neighbour');
    const { accessToken } = await login(t, account);
    const note = await t.http
      .post('/api/v1/notes')
      .set(...bearer(accessToken))
      .send({ title: 'neighbour', body: 'honest' });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    return new Neighbour(t, accessToken, note.body.id as string);
  }

  /** Renames the note; resolves with the status. */
  async rename(title: string): Promise<number> {
    const res = await this.t.http
      .patch(`/api/v1/notes/${this.noteId}`)
      .set(...bearer(this.token))
      .send({ title });
    return res.status;
  }

  /** A request refused as cheaply as most attacks are (no credentials): 401 unless something else broke. */
  async knock(): Promise<number> {
    return (await this.t.http.get(`/api/v1/notes/${this.noteId}`)).status;
  }

  /** Its own read, authenticated: 200 unless something else broke. */
  async read(): Promise<number> {
    return (await this.t.http.get(`/api/v1/notes/${this.noteId}`).set(...bearer(this.token))).status;
  }

  async title(): Promise<string> {
    const res = await this.t.http.get(`/api/v1/notes/${this.noteId}`).set(...bearer(this.token));
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.title as string;
  }
}
