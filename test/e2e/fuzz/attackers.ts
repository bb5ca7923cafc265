import assert from 'node:assert/strict';
import fc from 'fast-check';
import { bearer, login, registerUser, type Account } from '../../support/identity.js';
import type { TestApp } from '../../support/test-app.js';

/** Who sends an attack: nobody, a user, an admin, an API key, or someone with a forged credential. */
export type Attacker = 'anonymous' | 'user' | 'admin' | 'apiKey' | 'forged';
export const ATTACKERS: readonly Attacker[] = ['anonymous', 'user', 'admin', 'apiKey', 'forged'];

/** Objects that exist, so generated ids can point at real things (and reach the handlers). */
export type Slot = 'note' | 'apiKey' | 'victim';
export const SLOTS: readonly Slot[] = ['note', 'apiKey', 'victim'];

/** Credentials that look right and are not: each must be a clean 401, never a 5xx. */
export const forgedCredential = fc.oneof(
  fc.constantFrom<[string, string]>(
    ['Authorization', 'Bearer'],
    ['Authorization', 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'],
    ['Authorization', 'Bearer a.b.c'],
    ['Authorization', 'Basic YWRtaW46YWRtaW4='],
    ['Authorization', `Bearer ${'A'.repeat(8000)}`],
    ['X-API-Key', 'snk_0123456789abcdef_' + '0'.repeat(72)],
    ['X-API-Key', 'snk_'],
    ['X-API-Key', `snk_${'f'.repeat(4000)}`],
  ),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((junk): [string, string] => ['Authorization', `Bearer ${junk}`]),
  fc.string({ unit: 'grapheme-ascii', maxLength: 200 }).map((junk): [string, string] => ['X-API-Key', junk]),
);

/**
 * The attackers' credentials and the objects under attack, kept alive between runs: an attack
 * that succeeds (a logout, a DELETE of the shared note) would otherwise starve every later run
 * of a valid token or a real id. `heal` restores them after any request that changed something.
 */
export class Cast {
  private tokens: Record<'user' | 'admin', string> = { user: '', admin: '' };
  private ids: Record<Slot, string> = { note: '', apiKey: '', victim: '' };
  private adminKey = '';
  private target: Account | undefined;

  private constructor(
    private readonly t: TestApp,
    private readonly user: Account,
    private readonly admin: Pick<Account, 'email' | 'password'>,
  ) {}

  static async assemble(t: TestApp, admin: Pick<Account, 'email' | 'password'>): Promise<Cast> {
    const cast = new Cast(t, await registerUser(t, 'fuzz-user'), admin);
    cast.ids.victim = (await registerUser(t, 'fuzz-victim')).id;
    cast.target = await registerUser(t, 'fuzz-login-target');
    cast.tokens.user = (await login(t, cast.user)).accessToken;
    cast.tokens.admin = (await login(t, admin)).accessToken;
    const key = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(cast.tokens.admin))
      .send({ name: 'fuzz', scopes: ['notes:read', 'notes:write', 'audit:read', 'metrics:read'] });
    assert.equal(key.status, 201, JSON.stringify(key.body));
    cast.adminKey = key.body.key as string;
    await cast.heal();
    return cast;
  }

  /** An id of a live object, read when a run is generated (ids change when `heal` recreates objects). */
  known(slots: readonly Slot[] = SLOTS): fc.Arbitrary<string> {
    return fc.constantFrom(...slots).map((slot) => this.ids[slot]);
  }

  /** Credentials of an account no attacker holds, for logins that should succeed. */
  loginTarget(): fc.Arbitrary<{ email: string; password: string }> {
    return fc.constant(null).map(() => ({ email: this.target!.email, password: this.target!.password }));
  }

  /** Headers for an attacker; `forged` is the generated fake credential. */
  headers(attacker: Attacker, forged: [string, string]): Record<string, string> {
    switch (attacker) {
      case 'anonymous':
        return {};
      case 'user':
      case 'admin':
        return { authorization: `Bearer ${this.tokens[attacker]}` };
      case 'apiKey':
        return { 'x-api-key': this.adminKey };
      case 'forged':
        return { [forged[0].toLowerCase()]: forged[1] };
    }
  }

  /** Logs in again where a token died, and recreates the note (shared with the victim) and the key where they went. */
  async heal(): Promise<void> {
    for (const [who, account] of [
      ['user', this.user],
      ['admin', this.admin],
    ] as const) {
      const me = await this.t.http.get('/api/v1/auth/me').set(...bearer(this.tokens[who]));
      if (me.status !== 200) this.tokens[who] = (await login(this.t, account)).accessToken;
    }
    const auth = bearer(this.tokens.user);
    const note = this.ids.note && (await this.t.http.get(`/api/v1/notes/${this.ids.note}`).set(...auth));
    if (!note || note.status !== 200) {
      const created = await this.t.http
        .post('/api/v1/notes')
        .set(...auth)
        .send({ title: 'fuzz target', body: 'target body' });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      this.ids.note = created.body.id as string;
      // Best effort: an attack may have disabled the victim, and the note is a target either way.
      await this.t.http
        .post(`/api/v1/notes/${this.ids.note}/shares`)
        .set(...auth)
        .send({ userId: this.ids.victim });
    }
    const key = this.ids.apiKey && (await this.t.http.get(`/api/v1/api-keys/${this.ids.apiKey}`).set(...auth));
    if (!key || key.status !== 200 || key.body.revokedAt !== null) {
      const created = await this.t.http
        .post('/api/v1/api-keys')
        .set(...auth)
        .send({ name: 'fuzz target', scopes: ['notes:read'] });
      // A per-user key cap may refuse a new one: the revoked key's id is then still a fine target.
      if (created.status === 201 || !this.ids.apiKey) {
        assert.equal(created.status, 201, JSON.stringify(created.body));
        this.ids.apiKey = created.body.id as string;
      }
    }
  }
}
