import { randomBytes } from 'node:crypto';
import type { Test } from 'supertest';
import type { OneTimeTokenPurpose } from '../../../src/auth/recovery/one-time-token.entity.js';
import { OneTimeTokens } from '../../../src/auth/recovery/one-time-tokens.js';
import { MailQueue } from '../../../src/mail/mail-queue.js';
import { strongPassword } from '../../support/identity.js';
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
}

/** Logs in afresh for each cell: cells like logout and change-password end sessions. */
async function tokenOf(ctx: MatrixContext, actor: UserActor): Promise<string> {
  const person = ctx.people[actor];
  const res = await ctx.t.http.post('/api/v1/auth/login').send({ email: person.email, password: person.password });
  if (res.status !== 200) throw new Error(`matrix set-up: login of ${actor} failed with ${res.status}`);
  return res.body.accessToken as string;
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
  'GET /api/v1/users': async (ctx, _a, auth) => auth(ctx.t.http.get('/api/v1/users')),
  'GET /api/v1/users/{id}': async (ctx, _a, auth) => auth(ctx.t.http.get(`/api/v1/users/${ctx.people.stranger.id}`)),
  'PATCH /api/v1/users/{id}': async (ctx, _a, auth) =>
    auth(ctx.t.http.patch(`/api/v1/users/${ctx.people.stranger.id}`)).send({ disabled: false }),
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
