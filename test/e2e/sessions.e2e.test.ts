import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { loadConfig } from '../../src/config/load-config.js';
import { buildDataSourceOptions } from '../../src/database/data-source-options.js';
import { SessionActivity1765065600000 } from '../../src/database/migrations/1765065600000-session-activity.js';
import { MIGRATIONS } from '../../src/database/migrations/index.js';
import { CONTROL_CHARACTERS } from '../../src/http/unsafe-characters.js';
import { SessionDataRetention } from '../../src/auth/sessions/session-data-retention.js';
import { SessionsService } from '../../src/auth/sessions/sessions.service.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { portOf } from '../support/clients.js';
import { httpFrom, type RawResponse } from '../support/http-from.js';
import { bearer, login, registerUser, type Account, type Tokens } from '../support/identity.js';
import { eventuallyEvent } from '../support/security-events-reader.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createTestDatabase } from '../support/test-database.js';
import { passwordAuthentication } from '../../src/auth/sessions/session-authentication.js';
import { Session } from '../../src/auth/sessions/session.entity.js';

/** What GET /api/v1/auth/sessions answers for one session. */
interface SessionItem {
  id: string;
  createdAt: string;
  lastUsedAt: string;
  expiresAt: string;
  ipAddress: string | null;
  userAgent: string | null;
  current: boolean;
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number; sid: string };
const sidOf = (tokens: Tokens) => claimsOf(tokens.accessToken).sid;

/** The row as stored, read around the API under test (placeholders differ per database). */
async function sessionRow(t: TestApp, id: string): Promise<Record<string, string | null>> {
  const placeholder = t.db.kind === 'postgres' ? '$1' : '?';
  const rows = await t.app.get(DataSource).query(`SELECT * FROM sessions WHERE id = ${placeholder}`, [id]);
  return rows[0] as Record<string, string | null>;
}

async function refreshTokenExpiries(t: TestApp, sessionId: string): Promise<string[]> {
  const placeholder = t.db.kind === 'postgres' ? '$1' : '?';
  const rows: { expires_at: string }[] = await t.app
    .get(DataSource)
    .query(`SELECT expires_at FROM refresh_tokens WHERE session_id = ${placeholder}`, [sessionId]);
  return rows.map((row) => row.expires_at);
}

async function listSessions(t: TestApp, accessToken: string): Promise<SessionItem[]> {
  const res = await t.http.get('/api/v1/auth/sessions').set(...bearer(accessToken));
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items as SessionItem[];
}

/** A login from a loopback address of its own, with a User-Agent (and, behind the trusted proxy, a forwarded address). */
async function loginAs(t: TestApp, account: Account, from: string, headers: Record<string, string>): Promise<Tokens> {
  const res: RawResponse = await httpFrom(portOf(t), {
    method: 'POST',
    path: '/api/v1/auth/login',
    from,
    headers,
    body: { email: account.email, password: account.password },
  });
  assert.equal(res.status, 200, res.body);
  return res.json<Tokens>();
}

const me = (t: TestApp, accessToken: string) => t.http.get('/api/v1/auth/me').set(...bearer(accessToken));
const refresh = (t: TestApp, refreshToken: string) => t.http.post('/api/v1/auth/refresh').send({ refreshToken });

/**
 * Sessions a user can see and end (docs/account-lifecycle.md#sessions; OWASP API2:2023; ASVS
 * 7.3, 7.4, 7.5). Behind one trusted proxy hop (TRUST_PROXY=1), so the client address comes from
 * X-Forwarded-For, as hostile as any header.
 */
describe('sessions a user can see and end', () => {
  let t: TestApp;
  let adminToken: string;

  before(async () => {
    ({ t, adminToken } = await startTestAppWithAdmin({ TRUST_PROXY: '1' }, 'sessions-admin@example.com'));
  });
  after(async () => t.close());

  it('lists the caller’s live sessions with last use, address and user agent, and marks the current one', async () => {
    const account = await registerUser(t, 'sessions-list');
    const laptop = await loginAs(t, account, '127.0.0.81', {
      'User-Agent': 'Laptop/1.0',
      'X-Forwarded-For': '203.0.113.7',
    });
    const phone = await loginAs(t, account, '127.0.0.82', {
      'User-Agent': 'Phone/2.0',
      'X-Forwarded-For': '2001:db8::42',
    });
    const before = (await listSessions(t, laptop.accessToken)).find((item) => item.id === sidOf(phone))!;

    // A refresh is a use: it moves lastUsedAt and records the refreshing client.
    await delay(5);
    const refreshed = await httpFrom(portOf(t), {
      method: 'POST',
      path: '/api/v1/auth/refresh',
      from: '127.0.0.83',
      headers: { 'User-Agent': 'Phone/2.1', 'X-Forwarded-For': '198.51.100.9' },
      body: { refreshToken: phone.refreshToken },
    });
    assert.equal(refreshed.status, 200, refreshed.body);

    const items = await listSessions(t, laptop.accessToken);
    assert.deepEqual(items.map((item) => item.id).sort(), [sidOf(laptop), sidOf(phone)].sort());
    const mine = items.find((item) => item.id === sidOf(laptop))!;
    const other = items.find((item) => item.id === sidOf(phone))!;
    assert.equal(mine.current, true);
    assert.equal(other.current, false);
    assert.equal(mine.ipAddress, '203.0.113.7');
    assert.equal(mine.userAgent, 'Laptop/1.0');
    assert.equal(other.ipAddress, '198.51.100.9');
    assert.equal(other.userAgent, 'Phone/2.1');
    assert.ok(other.lastUsedAt > before.lastUsedAt, 'the refresh moved lastUsedAt');
    assert.equal(other.createdAt, before.createdAt);
    assert.ok(Date.parse(mine.expiresAt) - Date.parse(mine.createdAt) === 2_592_000_000, 'SESSION_ABSOLUTE_TTL default, 30 days');
    // Most recently used first.
    assert.equal(items[0]!.id, sidOf(phone));
    // The other session's token sees the same list, itself as current.
    const fromPhone = await listSessions(t, refreshed.json<Tokens>().accessToken);
    assert.deepEqual(
      fromPhone.filter((item) => item.current).map((item) => item.id),
      [sidOf(phone)],
    );

    // Personal data: neither the address nor the user agent is in the row in clear.
    const row = await sessionRow(t, sidOf(laptop));
    assert.ok(row.last_ip && !row.last_ip.includes('203.0.113.7'), 'address stored encrypted');
    assert.ok(row.last_user_agent && !row.last_user_agent.includes('Laptop'), 'user agent stored encrypted');
  });

  it('keeps a hostile user agent bounded and escaped, and no address that is not an IP address', async () => {
    const account = await registerUser(t, 'sessions-hostile');
    // The server reads header bytes as latin1: the C1 controls NEL and CSI arrive as \u0085 and \u009b.
    const hostile = `Evil\u0085\u009b[2J${'x'.repeat(1000)}`;
    const tokens = await loginAs(t, account, '127.0.0.84', {
      'User-Agent': hostile,
      'X-Forwarded-For': '<script>alert(1)</script>',
    });
    const [item] = await listSessions(t, tokens.accessToken);
    assert.equal(item!.ipAddress, null, 'a forwarded value that is not an IP address is not kept');
    assert.equal(item!.userAgent!.length, 256);
    assert.match(item!.userAgent!, /^Evil.?\\u0085.?\\u009b\[2Jx/, 'escaped as visible text, not dropped');
    assert.doesNotMatch(item!.userAgent!, new RegExp(`[${CONTROL_CHARACTERS}]`), 'no control character left');
  });

  it('ending one of the caller’s sessions refuses its access and refresh tokens at once; the others live on', async () => {
    const account = await registerUser(t, 'sessions-end');
    const kept = await login(t, account);
    const ended = await login(t, account);
    assert.equal((await me(t, ended.accessToken)).status, 200, 'verified once: the fast path answers for it next');

    const res = await t.http.delete(`/api/v1/auth/sessions/${sidOf(ended)}`).set(...bearer(kept.accessToken));
    assert.equal(res.status, 204, JSON.stringify(res.body));
    assert.equal((await me(t, ended.accessToken)).status, 401, 'its access token is refused at once');
    assert.equal((await refresh(t, ended.refreshToken)).status, 401, 'its refresh token is refused');
    assert.equal((await me(t, kept.accessToken)).status, 200, 'the caller’s own session lives on');
    assert.deepEqual(
      (await listSessions(t, kept.accessToken)).map((item) => item.id),
      [sidOf(kept)],
    );
    // Already ended: no longer an active session of theirs.
    const again = await t.http.delete(`/api/v1/auth/sessions/${sidOf(ended)}`).set(...bearer(kept.accessToken));
    assert.equal(again.status, 404);
    assert.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8');

    // Ending the current session is a logout.
    const self = await t.http.delete(`/api/v1/auth/sessions/${sidOf(kept)}`).set(...bearer(kept.accessToken));
    assert.equal(self.status, 204);
    assert.equal((await me(t, kept.accessToken)).status, 401);
  });

  it('erases the address and user agent of ended sessions and keeps those of live ones', async () => {
    const account = await registerUser(t, 'sessions-retention');
    const headers = { 'User-Agent': 'Retention/1.0', 'X-Forwarded-For': '192.0.2.10' };
    const live = await loginAs(t, account, '127.0.0.85', headers);
    const ended = await loginAs(t, account, '127.0.0.85', headers);
    assert.equal((await t.http.delete(`/api/v1/auth/sessions/${sidOf(ended)}`).set(...bearer(live.accessToken))).status, 204);
    assert.notEqual((await sessionRow(t, sidOf(ended))).last_ip, null, 'kept until the next pass');

    assert.ok((await t.app.get(SessionDataRetention).purge()) >= 1);
    const endedRow = await sessionRow(t, sidOf(ended));
    assert.equal(endedRow.last_ip, null);
    assert.equal(endedRow.last_user_agent, null);
    assert.notEqual(endedRow.revoked_at, null, 'the row and its revocation stay');
    const [item] = await listSessions(t, live.accessToken);
    assert.equal(item!.ipAddress, '192.0.2.10', 'a live session keeps its data');
    assert.equal(item!.userAgent, 'Retention/1.0');
  });

  it('ending another session takes a recent authentication (step-up); ending the current one does not', async () => {
    const account = await registerUser(t, 'sessions-step-up');
    const other = await login(t, account);
    const tokens = await login(t, account);
    // The caller logged in 11 minutes ago (STEP_UP_MAX_AGE is 10): the refreshed token carries that auth_time.
    await t.app
      .get(DataSource)
      .getRepository(Session)
      .update({ id: sidOf(tokens) }, { authTime: new Date(Date.now() - 11 * 60 * 1000) });
    const stale = await refresh(t, tokens.refreshToken);
    assert.equal(stale.status, 200);

    const refused = await t.http.delete(`/api/v1/auth/sessions/${sidOf(other)}`).set(...bearer(stale.body.accessToken));
    assert.equal(refused.status, 401);
    assert.match(String(refused.headers['www-authenticate']), /error="insufficient_user_authentication"/);
    assert.equal((await me(t, other.accessToken)).status, 200, 'the refused request ended nothing');

    const fresh = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(stale.body.accessToken))
      .send({ password: account.password });
    assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
    const granted = await t.http.delete(`/api/v1/auth/sessions/${sidOf(other)}`).set(...bearer(fresh.body.accessToken));
    assert.equal(granted.status, 204, JSON.stringify(granted.body));
    assert.equal((await me(t, other.accessToken)).status, 401);

    // The current session with a stale authentication: a logout, no step-up.
    await t.app
      .get(DataSource)
      .getRepository(Session)
      .update({ id: sidOf(tokens) }, { authTime: new Date(Date.now() - 11 * 60 * 1000) });
    const staleAgain = await refresh(t, fresh.body.refreshToken);
    const self = await t.http.delete(`/api/v1/auth/sessions/${sidOf(tokens)}`).set(...bearer(staleAgain.body.accessToken));
    assert.equal(self.status, 204, JSON.stringify(self.body));
  });

  it('another user’s session id is a 404 and ends nothing', async () => {
    const victim = await registerUser(t, 'sessions-victim');
    const attacker = await registerUser(t, 'sessions-attacker');
    const victimTokens = await login(t, victim);
    const attackerTokens = await login(t, attacker);

    const res = await t.http.delete(`/api/v1/auth/sessions/${sidOf(victimTokens)}`).set(...bearer(attackerTokens.accessToken));
    assert.equal(res.status, 404);
    assert.equal(res.body.detail, 'No active session of yours has this id.');
    const unknown = await t.http
      .delete('/api/v1/auth/sessions/00000000-0000-4000-8000-000000000000')
      .set(...bearer(attackerTokens.accessToken));
    assert.equal(unknown.status, 404);
    const { requestId: _a, instance: _b, ...unknownAnswer } = unknown.body;
    const { requestId: _c, instance: _d, ...foreignAnswer } = res.body;
    assert.deepEqual(foreignAnswer, unknownAnswer, 'the same answer as for an unknown id');

    assert.equal((await sessionRow(t, sidOf(victimTokens))).revoked_at, null, 'the victim’s session is untouched');
    assert.equal((await me(t, victimTokens.accessToken)).status, 200);
    assert.equal((await refresh(t, victimTokens.refreshToken)).status, 200);
    // The list shows only the caller's own sessions.
    assert.deepEqual(
      (await listSessions(t, attackerTokens.accessToken)).map((item) => item.id),
      [sidOf(attackerTokens)],
    );
  });

  it('an admin ends every session of a user at once, recorded as a security event', async () => {
    const account = await registerUser(t, 'sessions-admin-ends');
    const first = await login(t, account);
    const second = await login(t, account);

    const res = await t.http.delete(`/api/v1/users/${account.id}/sessions`).set(...bearer(adminToken));
    assert.equal(res.status, 204, JSON.stringify(res.body));
    for (const tokens of [first, second]) {
      assert.equal((await me(t, tokens.accessToken)).status, 401);
      assert.equal((await refresh(t, tokens.refreshToken)).status, 401);
    }
    const event = await eventuallyEvent(
      portOf(t),
      adminToken,
      (item) => item.type === 'sessions_revoked_by_admin' && item.details.userId === account.id,
      'sessions_revoked_by_admin',
    );
    assert.equal(event.details.sessions, 2);
    // The user can log in again: ending sessions is not disabling.
    const again = await login(t, account);
    assert.equal((await me(t, again.accessToken)).status, 200);

    const unknown = await t.http.delete('/api/v1/users/00000000-0000-4000-8000-000000000000/sessions').set(...bearer(adminToken));
    assert.equal(unknown.status, 404);
    const notAdmin = await t.http.delete(`/api/v1/users/${account.id}/sessions`).set(...bearer(again.accessToken));
    assert.equal(notAdmin.status, 403, 'only admins');
    assert.equal((await me(t, again.accessToken)).status, 200, 'the refused request ended nothing');
  });
});

describe('SESSION_ABSOLUTE_TTL: a refresh never extends a session beyond it', () => {
  const TTL_SECONDS = 3;
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ SESSION_ABSOLUTE_TTL: String(TTL_SECONDS) });
  });
  after(async () => t.close());

  it('caps the access and refresh tokens at the deadline, and refuses the refresh after it', async () => {
    const account = await registerUser(t, 'sessions-ttl');
    const loginRes = await t.http.post('/api/v1/auth/login').send({ email: account.email, password: account.password });
    assert.equal(loginRes.status, 200);
    const first = loginRes.body as Tokens & { expiresIn: number };
    const sessionId = sidOf(first);
    const deadline = Date.parse((await sessionRow(t, sessionId)).absolute_expires_at!);
    assert.ok(first.expiresIn <= TTL_SECONDS, `expiresIn ${first.expiresIn} is capped (JWT_ACCESS_TTL is 900)`);
    assert.ok(claimsOf(first.accessToken).exp * 1000 <= deadline, 'the access token expires no later than the session');

    const refreshed = await refresh(t, first.refreshToken);
    assert.equal(refreshed.status, 200, 'within the lifetime a refresh works');
    assert.ok(claimsOf(refreshed.body.accessToken).exp * 1000 <= deadline, 'the refreshed access token is capped too');
    for (const expiresAt of await refreshTokenExpiries(t, sessionId)) {
      assert.ok(Date.parse(expiresAt) <= deadline, `refresh token expiry ${expiresAt} is capped`);
    }
    assert.equal((await listSessions(t, refreshed.body.accessToken)).length, 1);
    // Re-authentication renews the session's tokens, never its deadline.
    const reauthenticated = await t.http
      .post('/api/v1/auth/reauthenticate')
      .set(...bearer(refreshed.body.accessToken))
      .send({ password: account.password });
    assert.equal(reauthenticated.status, 200, JSON.stringify(reauthenticated.body));
    assert.ok(reauthenticated.body.expiresIn <= TTL_SECONDS);
    assert.ok(claimsOf(reauthenticated.body.accessToken).exp * 1000 <= deadline, 'the re-authenticated access token is capped');
    for (const expiresAt of await refreshTokenExpiries(t, sessionId)) {
      assert.ok(Date.parse(expiresAt) <= deadline, `refresh token expiry ${expiresAt} is capped after re-authentication`);
    }

    await delay(Math.max(0, deadline - Date.now()) + 50);
    assert.equal((await refresh(t, reauthenticated.body.refreshToken)).status, 401, 'past the deadline the session is over');
  });

  it('a lower SESSION_ABSOLUTE_TTL also shortens sessions that began under a longer one', async () => {
    const db = await createTestDatabase();
    try {
      const before = await startTestApp({}, {}, db);
      const account = await registerUser(before, 'sessions-ttl-lowered');
      const tokens = await login(before, account);
      await before.close();
      // The same database, restarted with a lower lifetime: the stored 30-day expiry no longer counts.
      const after = await startTestApp({ SESSION_ABSOLUTE_TTL: String(TTL_SECONDS) }, {}, db);
      try {
        const createdAt = Date.parse((await sessionRow(after, sidOf(tokens))).created_at!);
        await delay(Math.max(0, createdAt + TTL_SECONDS * 1000 - Date.now()) + 50);
        assert.equal((await refresh(after, tokens.refreshToken)).status, 401);
        assert.deepEqual(await listSessions(after, tokens.accessToken), [], 'no longer listed as live');
      } finally {
        await after.close();
      }
    } finally {
      await db.drop();
    }
  });
});

describe('SESSION_MAX_PER_USER: a login beyond it ends the oldest sessions', () => {
  const MAX = 2;
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ SESSION_MAX_PER_USER: String(MAX) });
  });
  after(async () => t.close());

  it('ends the oldest session when a login exceeds the limit, at once for its tokens', async () => {
    const account = await registerUser(t, 'sessions-max');
    const oldest = await login(t, account);
    assert.equal((await me(t, oldest.accessToken)).status, 200);
    const middle = await login(t, account);
    const newest = await login(t, account);

    assert.equal((await me(t, oldest.accessToken)).status, 401, 'the oldest session ended');
    assert.equal((await refresh(t, oldest.refreshToken)).status, 401);
    assert.equal((await me(t, middle.accessToken)).status, 200);
    const items = await listSessions(t, newest.accessToken);
    assert.deepEqual(items.map((item) => item.id).sort(), [sidOf(middle), sidOf(newest)].sort());
  });

  it('parallel logins never leave more than SESSION_MAX_PER_USER live sessions', async () => {
    const account = await registerUser(t, 'sessions-max-parallel');
    const all = await Promise.all(Array.from({ length: 5 }, () => login(t, account)));
    const live = [];
    for (const tokens of all) if ((await me(t, tokens.accessToken)).status === 200) live.push(tokens);
    assert.equal(live.length, MAX);
    assert.equal((await listSessions(t, live[0]!.accessToken)).length, MAX);
  });

  it('concurrent session starts of one user never leave more than SESSION_MAX_PER_USER live sessions', async () => {
    // Logins queue at the argon2 gate, so they rarely overlap: start sessions directly, all at once.
    const account = await registerUser(t, 'sessions-max-race');
    const sessions = t.app.get(SessionsService);
    await Promise.all(Array.from({ length: 8 }, () => sessions.start(account.id, 0, passwordAuthentication())));
    const placeholder = t.db.kind === 'postgres' ? '$1' : '?';
    const rows: unknown[] = await t.app
      .get(DataSource)
      .query(`SELECT id FROM sessions WHERE user_id = ${placeholder} AND revoked_at IS NULL`, [account.id]);
    assert.equal(rows.length, MAX);
  });
});

describe('migration 1765065600000 on a database with sessions', () => {
  it('gives existing sessions their login plus 30 days and their latest refresh as last use; nobody is logged out', async () => {
    const db = await createTestDatabase();
    const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: db.url, ...db.secrets });
    const before = MIGRATIONS.slice(0, MIGRATIONS.indexOf(SessionActivity1765065600000));
    const open = (migrations: typeof MIGRATIONS) =>
      new DataSource({ ...buildDataSourceOptions(config), migrations } as DataSourceOptions).initialize();
    try {
      const old = await open(before);
      await old.runMigrations({ transaction: 'each' });
      const p = (n: number) => (db.kind === 'postgres' ? `$${n}` : '?');
      const session = '11111111-1111-4111-8111-111111111111';
      await old.query(`INSERT INTO sessions (id, user_id, created_at, token_version) VALUES (${p(1)}, ${p(2)}, ${p(3)}, 0)`, [
        session,
        '22222222-2222-4222-8222-222222222222',
        '2026-11-20T08:00:00.123Z',
      ]);
      for (const [id, createdAt] of [
        ['33333333-3333-4333-8333-333333333333', '2026-11-20T08:00:00.123Z'],
        ['44444444-4444-4444-8444-444444444444', '2026-11-29T17:30:00.456Z'],
      ]) {
        await old.query(
          `INSERT INTO refresh_tokens (id, session_id, token_hash, created_at, expires_at) VALUES (${p(1)}, ${p(2)}, ${p(3)}, ${p(4)}, ${p(5)})`,
          [id, session, id.replaceAll('-', ''), createdAt, '2026-12-13T17:30:00.456Z'],
        );
      }
      await old.destroy();

      const upgraded = await open(MIGRATIONS);
      await upgraded.runMigrations({ transaction: 'each' });
      const [row] = await upgraded.query(`SELECT * FROM sessions WHERE id = ${p(1)}`, [session]);
      await upgraded.destroy();
      assert.equal(row.absolute_expires_at, '2026-12-20T08:00:00.123Z', 'created_at + 30 days, same text format');
      assert.equal(row.last_used_at, '2026-11-29T17:30:00.456Z', 'the latest refresh');
      assert.equal(row.last_ip, null);
      assert.equal(row.last_user_agent, null);
      assert.equal(row.revoked_at, null);
    } finally {
      await db.drop();
    }
  });
});
