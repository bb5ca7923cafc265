import { randomBytes } from 'node:crypto';
import type { Test } from 'supertest';
import type { OneTimeTokenPurpose } from '../../../src/auth/recovery/one-time-token.entity.js';
import { OneTimeTokens } from '../../../src/auth/recovery/one-time-tokens.js';
import { MailQueue } from '../../../src/mail/mail-queue.js';
import { login, registerUser, strongPassword } from '../../support/identity.js';
import { enrolTotp, hasProof, nextProof, viaSupertest } from '../../support/mfa.js';
import type { TestApp } from '../../support/test-app.js';
import { USER_ACTORS, type Actor, type ExternalActor, type KeyActor, type UserActor } from './authorization-matrix.table.js';

/** A user taking part in the matrix; the password changes when the change-password cell runs. */
export interface Participant {
  readonly id: string;
  readonly email: string;
  password: string;
}

export interface MatrixContext {
  readonly t: TestApp;
  readonly people: Readonly<Record<UserActor, Participant>>;
  /** One API key per key actor (see the table's header comment for their owners). */
  readonly keys: Readonly<Record<KeyActor, string>>;
  /** Access tokens of the external OpenID provider's user and client (they outlive the suite). */
  readonly external: Readonly<Record<ExternalActor, string>>;
  /** An account used as the object of login/refresh, so those cells never disturb the actors. */
  readonly loginTarget: Participant;
  /**
   * An account with a second factor, the object of the MFA login step's cells; replaced by a fresh
   * one when its codes of this window and its ten recovery codes are spent (one proof per cell).
   */
  mfaTarget: Participant;
}

/**
 * Each actor's token, kept while it still works and replaced by a login when a cell (logout,
 * change-password) ended it: a login per cell would spend the admin's second-factor codes faster
 * than TOTP steps pass.
 */
const tokens = new WeakMap<MatrixContext, Map<UserActor, string>>();

async function tokenOf(ctx: MatrixContext, actor: UserActor): Promise<string> {
  let cached = tokens.get(ctx);
  if (cached === undefined) tokens.set(ctx, (cached = new Map()));
  const token = cached.get(actor);
  if (token !== undefined && (await ctx.t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`)).status === 200) {
    return token;
  }
  const fresh = (await login(ctx.t, ctx.people[actor])).accessToken;
  cached.set(actor, fresh);
  return fresh;
}

/** A fresh note of the owner, shared with the reader, for cells that change or delete it. */
async function freshNote(ctx: MatrixContext): Promise<string> {
  const owner = await tokenOf(ctx, 'owner');
  const note = await ctx.t.http
    .post('/api/v1/notes')
    .set('Authorization', `Bearer ${owner}`)
    .send({ title: 'matrix', body: 'secret body' });
  await ctx.t.http
    .post(`/api/v1/notes/${note.body.id}/shares`)
    .set('Authorization', `Bearer ${owner}`)
    .send({ userId: ctx.people.reader.id });
  return note.body.id as string;
}

// generate:resource helpers

/** What a cell's request answered: enough to check it against the OpenAPI document too. */
export interface CellResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

type Send = (ctx: MatrixContext, actor: Actor, auth: (test: Test) => Test) => Promise<CellResponse>;

/** How to exercise each route; keys match the matrix table (and the OpenAPI paths). */
export const REQUESTS: Readonly<Record<string, Send>> = {
  'GET /health/live': async (ctx, _a, auth) => auth(ctx.t.http.get('/health/live')),
  'GET /health/ready': async (ctx, _a, auth) => auth(ctx.t.http.get('/health/ready')),
  'GET /.well-known/jwks.json': async (ctx, _a, auth) => auth(ctx.t.http.get('/.well-known/jwks.json')),
  'GET /.well-known/oauth-authorization-server': async (ctx, _a, auth) =>
    auth(ctx.t.http.get('/.well-known/oauth-authorization-server')),
  'POST /api/v1/auth/register': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/auth/register')).send({
      email: `matrix-${randomBytes(4).toString('hex')}@example.com`,
      password: strongPassword(),
      displayName: 'Matrix',
    }),
  'POST /api/v1/auth/login': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/auth/login')).send({ email: ctx.loginTarget.email, password: ctx.loginTarget.password }),
  'POST /api/v1/auth/refresh': async (ctx, _a, auth) => {
    const login = await ctx.t.http
      .post('/api/v1/auth/login')
      .send({ email: ctx.loginTarget.email, password: ctx.loginTarget.password });
    return auth(ctx.t.http.post('/api/v1/auth/refresh')).send({ refreshToken: login.body.refreshToken });
  },
  'POST /api/v1/auth/logout': async (ctx, _a, auth) => auth(ctx.t.http.post('/api/v1/auth/logout')).send({}),
  'GET /api/v1/auth/me': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/auth/me')),
  'PATCH /api/v1/auth/me': async (ctx, _a, auth) =>
    auth(ctx.t.http.patch('/api/v1/auth/me')).send({ displayName: 'Renamed in matrix' }),
  'POST /api/v1/auth/change-password': async (ctx, actor, auth) => {
    const person = (USER_ACTORS as readonly string[]).includes(actor) ? ctx.people[actor as UserActor] : ctx.people.owner;
    const newPassword = strongPassword();
    const res = await auth(ctx.t.http.post('/api/v1/auth/change-password')).send({
      currentPassword: person.password,
      newPassword,
    });
    if (res.status === 204) person.password = newPassword;
    return res;
  },
  'POST /api/v1/auth/password-reset/request': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/auth/password-reset/request')).send({ email: freshEmail() }),
  'POST /api/v1/auth/password-reset/confirm': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/auth/password-reset/confirm')).send({
      token: await mailedToken(ctx, 'password_reset'),
      newPassword: strongPassword(),
    }),
  'POST /api/v1/auth/verify-email': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/auth/verify-email')).send({ token: await mailedToken(ctx, 'email_verification') }),
  'POST /api/v1/auth/verify-email/resend': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/auth/verify-email/resend')).send({ email: freshEmail() }),
  'POST /api/v1/auth/mfa/totp/setup': async (ctx, _a, auth) => auth(ctx.t.http.post('/api/v1/auth/mfa/totp/setup')),
  // A code that does not match: users have a pending enrolment (400), the admin's factor is on already (409).
  'POST /api/v1/auth/mfa/totp/confirm': async (ctx, _a, auth) => {
    await auth(ctx.t.http.post('/api/v1/auth/mfa/totp/setup'));
    return auth(ctx.t.http.post('/api/v1/auth/mfa/totp/confirm')).send({ code: '000000' });
  },
  'DELETE /api/v1/auth/mfa/totp': async (ctx, _a, auth) =>
    auth(ctx.t.http.delete('/api/v1/auth/mfa/totp')).send({ code: '000000' }),
  'POST /api/v1/auth/mfa/verify': async (ctx, _a, auth) => {
    if (!hasProof(ctx.mfaTarget.email)) {
      const fresh = await registerUser(ctx.t, 'mfa-target');
      await enrolTotp(viaSupertest(ctx.t), fresh.email, await login(ctx.t, fresh));
      ctx.mfaTarget = fresh;
    }
    const { email, password } = ctx.mfaTarget;
    const first = await ctx.t.http.post('/api/v1/auth/login').send({ email, password });
    return auth(ctx.t.http.post('/api/v1/auth/mfa/verify')).send({ mfaToken: first.body.mfaToken, ...nextProof(email) });
  },
  'POST /api/v1/auth/reauthenticate': async (ctx, actor, auth) => {
    const person =
      ctx.people[
        actor === 'anonymous' || actor.startsWith('key:') || actor.startsWith('external:') ? 'owner' : (actor as UserActor)
      ];
    const proof = actor === 'admin' ? nextProof(person.email) : {};
    return auth(ctx.t.http.post('/api/v1/auth/reauthenticate')).send({ password: person.password, ...proof });
  },
  // The admin's cell resets a freshly enrolled account's factor; the others aim at the stranger.
  'DELETE /api/v1/users/{id}/mfa': async (ctx, actor, auth) => {
    let target = ctx.people.stranger.id;
    if (actor === 'admin') {
      const enrolled = await registerUser(ctx.t, 'matrix-mfa-reset');
      await enrolTotp(viaSupertest(ctx.t), enrolled.email, await login(ctx.t, enrolled));
      target = enrolled.id;
    }
    return auth(ctx.t.http.delete(`/api/v1/users/${target}/mfa`));
  },
  'GET /api/v1/auth/sessions': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/auth/sessions')),
  'DELETE /api/v1/auth/sessions/{id}': async (ctx, _a, auth) =>
    auth(ctx.t.http.delete(`/api/v1/auth/sessions/${await freshSession(ctx)}`)),
  'GET /api/v1/users': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/users')),
  'GET /api/v1/users/{id}': async (ctx, _a, auth) => auth(ctx.t.http.get(`/api/v1/users/${ctx.people.stranger.id}`)),
  'PATCH /api/v1/users/{id}': async (ctx, _a, auth) =>
    auth(ctx.t.http.patch(`/api/v1/users/${ctx.people.stranger.id}`)).send({ disabled: false }),
  'DELETE /api/v1/users/{id}/sessions': async (ctx, _a, auth) =>
    auth(ctx.t.http.delete(`/api/v1/users/${ctx.loginTarget.id}/sessions`)),
  'POST /api/v1/notes': async (ctx, _a, auth) => auth(ctx.t.http.post('/api/v1/notes')).send({ title: 'mine', body: 'text' }),
  'GET /api/v1/notes': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/notes')),
  'GET /api/v1/notes/{id}': async (ctx, _a, auth) => auth(ctx.t.http.get(`/api/v1/notes/${await freshNote(ctx)}`)),
  'PATCH /api/v1/notes/{id}': async (ctx, _a, auth) =>
    auth(ctx.t.http.patch(`/api/v1/notes/${await freshNote(ctx)}`)).send({ title: 'changed' }),
  'DELETE /api/v1/notes/{id}': async (ctx, _a, auth) => auth(ctx.t.http.delete(`/api/v1/notes/${await freshNote(ctx)}`)),
  'POST /api/v1/notes/{id}/shares': async (ctx, _a, auth) =>
    auth(ctx.t.http.post(`/api/v1/notes/${await freshNote(ctx)}/shares`)).send({ userId: ctx.people.auditor.id }),
  'DELETE /api/v1/notes/{id}/shares/{userId}': async (ctx, _a, auth) =>
    auth(ctx.t.http.delete(`/api/v1/notes/${await freshNote(ctx)}/shares/${ctx.people.reader.id}`)),
  'POST /api/v1/api-keys': async (ctx, _a, auth) =>
    auth(ctx.t.http.post('/api/v1/api-keys')).send({ name: 'mine', scopes: ['notes:read'] }),
  'GET /api/v1/api-keys': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/api-keys')),
  'GET /api/v1/api-keys/{id}': async (ctx, _a, auth) => auth(ctx.t.http.get(`/api/v1/api-keys/${await freshKey(ctx)}`)),
  'POST /api/v1/api-keys/{id}/rotate': async (ctx, _a, auth) =>
    auth(ctx.t.http.post(`/api/v1/api-keys/${await freshKey(ctx)}/rotate`)).send({}),
  'DELETE /api/v1/api-keys/{id}': async (ctx, _a, auth) => auth(ctx.t.http.delete(`/api/v1/api-keys/${await freshKey(ctx)}`)),
  'GET /metrics': async (ctx, _a, auth) => auth(ctx.t.http.get('/metrics')),
  'GET /api/v1/audit-events': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/audit-events?limit=5')),
  'GET /api/v1/audit-events/verify': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/audit-events/verify')),
  'GET /api/v1/security-events': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/security-events?limit=5')),
  // generate:resource requests
};

const freshEmail = () => `matrix-${randomBytes(4).toString('hex')}@example.com`;

/**
 * The token a mail would carry, for a fresh account (these cells test who may use the route; the
 * mail itself is followed in test/e2e/password-reset.e2e.test.ts): issued by the same service.
 */
async function mailedToken(ctx: MatrixContext, purpose: OneTimeTokenPurpose): Promise<string> {
  const account = await ctx.t.http
    .post('/api/v1/auth/register')
    .send({ email: freshEmail(), password: strongPassword(), displayName: 'Matrix' });
  // Registration queues its own verification mail, whose newer token would void this one: let it run first.
  await ctx.t.app.get(MailQueue).idle();
  return ctx.t.app.get(OneTimeTokens).issue(account.body.id as string, purpose);
}

/** A fresh session of the owner (its id is the access token's `sid`), for the cell that ends it. */
async function freshSession(ctx: MatrixContext): Promise<string> {
  const token = await tokenOf(ctx, 'owner');
  return (JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { sid: string }).sid;
}

/** A fresh key of the owner, for cells that read, rotate or revoke it. */
async function freshKey(ctx: MatrixContext): Promise<string> {
  const owner = await tokenOf(ctx, 'owner');
  const key = await ctx.t.http
    .post('/api/v1/api-keys')
    .set('Authorization', `Bearer ${owner}`)
    .send({ name: 'matrix', scopes: ['notes:read'] });
  return key.body.id as string;
}

/** Runs one cell: the actor's credential (a fresh bearer token, an API key, or none), then the request. */
export async function runCell(ctx: MatrixContext, route: string, actor: Actor): Promise<CellResponse> {
  const send = REQUESTS[route];
  if (!send) throw new Error(`no request builder for ${route}`);
  let auth = (test: Test) => test;
  if (actor.startsWith('key:')) {
    const key = ctx.keys[actor as KeyActor];
    auth = (test) => test.set('X-API-Key', key);
  } else if (actor.startsWith('external:')) {
    const token = ctx.external[actor as ExternalActor];
    auth = (test) => test.set('Authorization', `Bearer ${token}`);
  } else if (actor !== 'anonymous') {
    const token = await tokenOf(ctx, actor as UserActor);
    auth = (test) => test.set('Authorization', `Bearer ${token}`);
  }
  return send(ctx, actor, auth);
}
