import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { MAX_JSON_DEPTH } from '../../src/http/input-inspection.js';
import { portOf } from '../support/clients.js';
import { bearer, login, registerUser, strongPassword, type Account } from '../support/identity.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { type TestApp } from '../support/test-app.js';

const ADMIN_EMAIL = 'hostile-admin@example.com';

interface Res {
  status: number;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

/** POSTs raw bytes as application/json (supertest would serialise a Buffer as JSON). */
function postBytes(t: TestApp, path: string, bytes: Buffer, token: string): Promise<{ status: number; detail: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: portOf(t),
        path,
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': bytes.length, Authorization: `Bearer ${token}` },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, detail: (JSON.parse(text) as { detail?: unknown }).detail }));
      },
    );
    req.on('error', reject);
    req.end(bytes);
  });
}

function assertBadRequest(res: Res, what: string): void {
  assert.equal(res.status, 400, `${what}: got ${res.status} ${JSON.stringify(res.body)}`);
  assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/, what);
}

/** The field names a 400 problem lists. */
function fields(res: Res): string[] {
  return ((res.body.errors ?? []) as { field: string }[]).map((error) => error.field);
}

/**
 * Input hardening, proven on SQLite and PostgreSQL: hostile bytes, deep or
 * prototype-shaped JSON, bodies where none belongs and non-standard dates are refused with a 400
 * problem before any guard, DTO or SQL sees them, and change nothing; PATCH keeps what it was
 * not sent.
 */
describe('hostile input', () => {
  let t: TestApp;
  let user: Account;
  let token: string;
  let adminToken: string;

  before(async () => {
    ({ t, adminToken } = await startTestAppWithAdmin({ BODY_LIMIT: '4mb' }, ADMIN_EMAIL));
    user = await registerUser(t, 'hostile');
    token = (await login(t, user)).accessToken;
  });
  after(async () => t.close());

  const newNote = async () => {
    const res = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .send({ title: 'kept title', body: 'kept body' });
    assert.equal(res.status, 201);
    return res.body.id as string;
  };
  const readNote = async (id: string) =>
    (await t.http.get(`/api/v1/notes/${id}`).set(...bearer(token))).body as Record<string, unknown>;

  it('refuses NUL and other control characters in body strings with 400, storing nothing', async () => {
    for (const displayName of ['a\u0000b', 'a\u0007b', 'a\u001bb', 'a\u007fb', 'a\u0085b']) {
      const email = `ctl-${displayName.codePointAt(1)}@example.com`;
      const res = await t.http.post('/api/v1/auth/register').send({ email, password: strongPassword(), displayName });
      assertBadRequest(res, `displayName with U+${displayName.codePointAt(1)!.toString(16)}`);
      assert.deepEqual(fields(res), ['displayName']);
      assert.equal((await t.http.post('/api/v1/auth/login').send({ email, password: 'x'.repeat(20) })).status, 401, 'no account');
    }
    const key = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(token))
      .send({ name: 'ci\u0000', scopes: ['notes:read'] });
    assertBadRequest(key, 'API-key name with NUL');
    const keys = await t.http.get('/api/v1/api-keys').set(...bearer(token));
    assert.equal((keys.body.items as unknown[]).length, 0, 'no key was created');
    const me = await t.http
      .patch('/api/v1/auth/me')
      .set(...bearer(token))
      .send({ displayName: 'x\u0000' });
    assertBadRequest(me, 'display name change with NUL');
  });

  it('allows tab and line breaks in a multi-line note body, not in one-line fields', async () => {
    const note = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .send({ title: 'lines', body: 'a\tb\r\nc\n' });
    assert.equal(note.status, 201);
    assert.equal(note.body.body, 'a\tb\r\nc\n');
    const title = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .send({ title: 'two\nlines', body: '' });
    assertBadRequest(title, 'title with a line break');
    assert.deepEqual(fields(title), ['title']);
    const name = await t.http
      .patch('/api/v1/auth/me')
      .set(...bearer(token))
      .send({ displayName: 'forged\r\nline' });
    assertBadRequest(name, 'display name with CR LF');
  });

  it('refuses control characters and bad percent-encoding in the path and query before routing, auth or SQL', async () => {
    // Without credentials too: the refusal comes before the guard, so nothing reaches the audit as a resource id.
    for (const path of [
      '/api/v1/notes/%00',
      '/api/v1/notes/a%0Ab',
      '/api/v1/notes/%FF',
      '/api/v1/notes/%ED%A0%80',
      '/api/v1/notes/%',
    ]) {
      const anonymous = await t.http.delete(path);
      assertBadRequest(anonymous, `anonymous DELETE ${path}`);
      assert.deepEqual(fields(anonymous), ['path']);
      assertBadRequest(await t.http.get(path).set(...bearer(token)), `GET ${path}`);
    }
    for (const query of ['requestId=a%00b', 'requestId=%1b%5b31m', 'requestId=%FF', 'requestId=%ED%A0%80', 'request%00Id=x']) {
      const res = await t.http.get(`/api/v1/audit-events?${query}`).set(...bearer(adminToken));
      assertBadRequest(res, `query ${query}`);
      assert.doesNotMatch(JSON.stringify(res.body), /\\u00(?:00|1b)|%00|%1b|\[31m/i, 'the value is never echoed');
    }
    assert.equal((await t.http.get('/api/v1/audit-events?requestId=plain').set(...bearer(adminToken))).status, 200);
  });

  it('refuses lone surrogates and bodies that are not valid UTF-8', async () => {
    const surrogate = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .set('Content-Type', 'application/json')
      .send('{"title":"t","body":"broken \\ud800 half"}');
    assertBadRequest(surrogate, 'lone surrogate escape');
    assert.deepEqual(fields(surrogate), ['body']);
    const invalidUtf8 = Buffer.concat([Buffer.from('{"title":"t","body":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]);
    const bytes = await postBytes(t, '/api/v1/notes', invalidUtf8, token);
    assert.equal(bytes.status, 400, 'invalid UTF-8 bytes');
    assert.equal(bytes.detail, 'The request body is not valid UTF-8.');
    const latin1 = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .set('Content-Type', 'application/json; charset=iso-8859-1')
      .send('{"title":"t","body":"x"}');
    assert.equal(latin1.status, 415);
    const list = await t.http.get('/api/v1/notes?limit=100').set(...bearer(token));
    assert.ok(!(list.body.items as { title: string }[]).some((note) => note.title === 't'), 'nothing was stored');
  });

  it('refuses JSON nested deeper than 8 levels with 400 before validation', async () => {
    assert.equal(MAX_JSON_DEPTH, 8, 'the documented limit');
    let deep = '"x"';
    for (let i = 0; i < 5000; i++) deep = `{"title":${deep}}`;
    const res = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .set('Content-Type', 'application/json')
      .send(deep);
    assertBadRequest(res, 'JSON 5000 deep');
    let arrays = '1';
    for (let i = 0; i < 100_000; i++) arrays = `[${arrays}]`;
    const arrayRes = await t.http
      .post('/api/v1/notes')
      .set(...bearer(token))
      .set('Content-Type', 'application/json')
      .send(`{"title":${arrays}}`);
    assertBadRequest(arrayRes, 'arrays 100000 deep');
    assert.match(JSON.stringify(arrayRes.body.errors), new RegExp(`at most ${MAX_JSON_DEPTH} deep`));
  });

  it('refuses the prototype keys (proto, constructor, prototype) and other inherited names as properties, changing nothing', async () => {
    const id = await newNote();
    for (const raw of [
      '{"__proto__":{"title":"polluted"}}',
      '{"constructor":{"prototype":{"x":1}}}',
      '{"prototype":"x"}',
      '{"title":"t","__proto__":{}}',
    ]) {
      const res = await t.http
        .patch(`/api/v1/notes/${id}`)
        .set(...bearer(token))
        .set('Content-Type', 'application/json')
        .send(raw);
      assertBadRequest(res, raw);
    }
    const nested = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(token))
      .set('Content-Type', 'application/json')
      .send('{"name":"k","scopes":["notes:read"],"allowedIps":[{"__proto__":{"admin":true}}]}');
    assertBadRequest(nested, 'nested __proto__');
    assert.deepEqual(fields(nested), ['allowedIps.0.__proto__']);
    // Names the transformer skips because they are functions on every object: unknown properties like any other.
    for (const key of ['toString', 'hasOwnProperty', 'valueOf']) {
      const body = await t.http
        .patch(`/api/v1/notes/${id}`)
        .set(...bearer(token))
        .send({ title: 'changed', [key]: 'x' });
      assertBadRequest(body, `body property ${key}`);
      assert.deepEqual(fields(body), [key]);
    }
    for (const key of ['__proto__', 'constructor', 'toString']) {
      const query = await t.http.get(`/api/v1/notes?${key}=1`).set(...bearer(token));
      assertBadRequest(query, `query parameter ${key}`);
      assert.deepEqual(fields(query), [key]);
    }
    const note = await readNote(id);
    assert.equal(note.title, 'kept title');
    assert.equal(note.body, 'kept body');
  });

  it('refuses a body on routes that take none (GET, DELETE) with 400, changing nothing', async () => {
    const id = await newNote();
    const del = await t.http
      .delete(`/api/v1/notes/${id}`)
      .set(...bearer(token))
      .send({ reason: 'x' });
    assertBadRequest(del, 'DELETE with a body');
    assert.equal(del.body.detail, 'This route takes no request body.');
    assert.equal((await t.http.get(`/api/v1/notes/${id}`).set(...bearer(token))).status, 200, 'the note is still there');
    assertBadRequest(
      await t.http
        .get('/api/v1/auth/me')
        .set(...bearer(token))
        .send({}),
      'GET with an empty JSON object',
    );
    const empty = await t.http
      .get('/api/v1/auth/me')
      .set(...bearer(token))
      .set('Content-Length', '0');
    assert.equal(empty.status, 200, 'an empty body is no body');
    assert.equal((await t.http.delete(`/api/v1/notes/${id}`).set(...bearer(token))).status, 204);
  });

  it('PATCH changes only the fields sent, answers the full view, and refuses null', async () => {
    const id = await newNote();
    const title = await t.http
      .patch(`/api/v1/notes/${id}`)
      .set(...bearer(token))
      .send({ title: 'new title' });
    assert.equal(title.status, 200);
    assert.equal(title.body.title, 'new title');
    assert.equal(title.body.body, 'kept body', 'the body is still in the answer');
    const body = await t.http
      .patch(`/api/v1/notes/${id}`)
      .set(...bearer(token))
      .send({ body: 'new body' });
    assert.equal(body.body.title, 'new title');
    assert.deepEqual(await readNote(id), body.body);
    for (const field of ['title', 'body']) {
      const res = await t.http
        .patch(`/api/v1/notes/${id}`)
        .set(...bearer(token))
        .send({ [field]: null });
      assertBadRequest(res, `${field}: null`);
    }

    const target = await registerUser(t, 'patched');
    const disabled = await t.http
      .patch(`/api/v1/users/${target.id}`)
      .set(...bearer(adminToken))
      .send({ disabled: true });
    assert.equal(disabled.status, 200);
    assert.equal(disabled.body.role, 'user', 'the role is still in the answer');
    assert.equal(disabled.body.displayName, 'patched tester');
    const loginStatus = async () =>
      (await t.http.post('/api/v1/auth/login').send({ email: target.email, password: target.password })).status;
    assert.equal(await loginStatus(), 401, 'the account is disabled');
    const role = await t.http
      .patch(`/api/v1/users/${target.id}`)
      .set(...bearer(adminToken))
      .send({ role: 'admin' });
    assert.equal(role.status, 200);
    assert.equal(role.body.role, 'admin');
    assert.equal(role.body.email, target.email);
    assert.equal(await loginStatus(), 401, 'changing the role did not re-enable the account');
    assertBadRequest(
      await t.http
        .patch(`/api/v1/users/${target.id}`)
        .set(...bearer(adminToken))
        .send({ role: null }),
      'role: null',
    );
  });

  it('accepts only YYYY-MM-DD or an RFC 3339 date-time in date filters; every other form is 400', async () => {
    const refused = [
      '2024-123',
      '2024-W01',
      '2024-W01-1',
      '20240101',
      '20240101T000000Z',
      '2024-02-30',
      '2023-02-29',
      '2024-13-01',
      '2024-01-01T24:00Z',
      '2024-01-01T10:60Z',
      '2024-01-01T10:00',
      '2024-01-01T10:00:00',
      '2024-01-01 10:00Z',
      '+002024-01-01',
      '0000-01-01',
      '0001-01-01T00:00+01:00',
      '2024-01-01T10:00:00.1234Z',
      '2024',
      '2024-01',
    ];
    for (const from of refused) {
      const res = await t.http.get(`/api/v1/audit-events?from=${encodeURIComponent(from)}`).set(...bearer(adminToken));
      assertBadRequest(res, `from=${from}`);
      assert.deepEqual(fields(res), ['from']);
    }
    const accepted = [
      '2024-01-01',
      '2024-02-29',
      '2024-01-01T10:00Z',
      '2024-01-01T10:00:00+02:00',
      '2024-01-01T10:00:00.123-05:30',
      '0001-01-01',
      '9999-12-31T23:59:59.999Z',
    ];
    for (const to of accepted) {
      const res = await t.http
        .get(`/api/v1/audit-events?from=0001-01-01&to=${encodeURIComponent(to)}`)
        .set(...bearer(adminToken));
      assert.equal(res.status, 200, `to=${to}: ${JSON.stringify(res.body)}`);
    }
  });

  it('refuses a huge scopes array and duplicate scopes with 400', async () => {
    // 200 000 distinct entries: the pairwise ArrayUnique made this ~2·10^10 comparisons (minutes of
    // event loop); the linear check is proven without a clock in test/unit/distinct-items.test.ts.
    const scopes = Array.from({ length: 200_000 }, (_, i) => `s${i}`);
    const res = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(token))
      .send({ name: 'big', scopes });
    assertBadRequest(res, 'huge scopes array');
    const duplicate = await t.http
      .post('/api/v1/api-keys')
      .set(...bearer(token))
      .send({ name: 'dup', scopes: ['notes:read', 'notes:read'] });
    assertBadRequest(duplicate, 'duplicate scopes');
    assert.ok(fields(duplicate).every((field) => field === 'scopes'));
  });
});
