import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateApiKey } from '../../src/api-keys/api-key-format.js';
import { accessTokenFrom, burst, loginFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom, type RawResponse } from '../support/http-from.js';
import type { Account } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const DEFAULT_LIMIT = 5;
const AUTH_LIMIT = 3;

function assertThrottled(res: RawResponse): void {
  assert.equal(res.status, 429, res.body);
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = res.json<{ status: number; requestId: string }>();
  assert.equal(body.status, 429);
  assert.equal(body.requestId, res.headers['x-request-id']);
  const retryAfter = String(res.headers['retry-after']);
  assert.match(retryAfter, /^\d+$/, 'Retry-After is a number of seconds');
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 3600, `Retry-After ${retryAfter}`);
}

/**
 * Rate limiting (docs/http-contract.md#headers, docs/configuration.md; OWASP API4:2023, ASVS 2.4.1): the `default` limit per client and
 * the `auth` limit per address on register/login/refresh, checked before authentication, keyed
 * on the socket address whatever X-Forwarded-For says. Every client below has its own loopback
 * source address. Windows are an hour long so no test straddles a window boundary.
 */
describe('rate limiting (THROTTLE_*)', () => {
  let t: TestApp;
  let port: number;
  let alice: Account;
  let bob: Account;

  before(async () => {
    t = await startTestApp({
      THROTTLE_DEFAULT_LIMIT: String(DEFAULT_LIMIT),
      THROTTLE_DEFAULT_TTL: '3600',
      THROTTLE_AUTH_LIMIT: String(AUTH_LIMIT),
      THROTTLE_AUTH_TTL: '3600',
      LOGIN_MAX_FAILURES: '3',
    });
    port = portOf(t);
    alice = await registerFrom(port, '127.0.1.1', 'alice');
    bob = await registerFrom(port, '127.0.1.2', 'bob');
  });
  after(async () => t.close());

  const get = (from: string, path: string, headers: Record<string, string> = {}) => httpFrom(port, { path, from, headers });

  it('answers a burst from one anonymous client with 429, Retry-After in seconds and a problem body', async () => {
    const statuses = await burst(DEFAULT_LIMIT, () => get('127.0.0.11', '/.well-known/jwks.json'));
    assert.deepEqual(statuses, Array(DEFAULT_LIMIT).fill(200));
    assertThrottled(await get('127.0.0.11', '/.well-known/jwks.json'));
    assert.equal((await get('127.0.0.99', '/.well-known/jwks.json')).status, 200, 'another client is not affected');
  });

  it('sends X-RateLimit-Limit, -Remaining and -Reset on normal responses', async () => {
    const first = await get('127.0.0.12', '/.well-known/jwks.json');
    const second = await get('127.0.0.12', '/.well-known/jwks.json');
    assert.equal(first.headers['x-ratelimit-limit'], String(DEFAULT_LIMIT));
    assert.equal(first.headers['x-ratelimit-remaining'], String(DEFAULT_LIMIT - 1));
    assert.equal(second.headers['x-ratelimit-remaining'], String(DEFAULT_LIMIT - 2));
    assert.match(String(first.headers['x-ratelimit-reset']), /^\d+$/);
  });

  it('checks the limit before authentication: an over-limit anonymous client gets 429, not 401', async () => {
    const statuses = await burst(DEFAULT_LIMIT, () => get('127.0.0.13', '/api/v1/auth/me'));
    assert.deepEqual(statuses, Array(DEFAULT_LIMIT).fill(401));
    assertThrottled(await get('127.0.0.13', '/api/v1/auth/me'));
  });

  it('limits a burst from one client whatever X-Forwarded-For says (TRUST_PROXY off)', async () => {
    const spoofed = (i: number) => ({ 'X-Forwarded-For': `203.0.113.${i + 1}` });
    const statuses = await burst(DEFAULT_LIMIT, (i) => get('127.0.0.14', '/.well-known/jwks.json', spoofed(i)));
    assert.deepEqual(statuses, Array(DEFAULT_LIMIT).fill(200));
    assertThrottled(await get('127.0.0.14', '/.well-known/jwks.json', spoofed(99)));
  });

  it('limits register, login and refresh per address with THROTTLE_AUTH_LIMIT, one bucket for the three', async () => {
    const post = (path: string) => httpFrom(port, { method: 'POST', path, from: '127.0.0.15', body: {} });
    const responses = [await post('/api/v1/auth/register'), await post('/api/v1/auth/login'), await post('/api/v1/auth/refresh')];
    assert.deepEqual(
      responses.map((res) => res.status),
      [400, 400, 400],
    );
    assert.equal(responses[0]!.headers['x-ratelimit-limit-auth'], String(AUTH_LIMIT));
    assert.equal(responses[2]!.headers['x-ratelimit-remaining-auth'], '0');
    assertThrottled(await post('/api/v1/auth/login'));
    assert.equal((await get('127.0.0.15', '/.well-known/jwks.json')).status, 200, 'other routes keep the default limit');
  });

  it('counts a bearer user against their own budget, not their address', async () => {
    // Plain users, no second factor to finish: no extra request spends alice's budget before the burst.
    const token = await accessTokenFrom(port, '127.0.1.3', alice, []);
    const other = await accessTokenFrom(port, '127.0.1.4', bob, []);
    const asAlice = () => get('127.0.0.16', '/api/v1/auth/me', { Authorization: `Bearer ${token}` });
    // The first request of an unseen credential counts against the address, the rest against alice.
    const statuses = await burst(DEFAULT_LIMIT + 1, asAlice);
    assert.deepEqual(statuses, Array(DEFAULT_LIMIT + 1).fill(200));
    assertThrottled(await asAlice());
    const asBob = await get('127.0.0.16', '/api/v1/auth/me', { Authorization: `Bearer ${other}` });
    assert.equal(asBob.status, 200, 'bob on the same address keeps his own budget');
    assert.equal((await get('127.0.0.16', '/.well-known/jwks.json')).status, 200, 'so does the address itself');
  });

  it('counts an API key against its own budget', async () => {
    const token = await accessTokenFrom(port, '127.0.1.5', bob);
    const created = await httpFrom(port, {
      method: 'POST',
      path: '/api/v1/api-keys',
      from: '127.0.1.5',
      headers: { Authorization: `Bearer ${token}` },
      body: { name: 'limits', scopes: ['notes:read'] },
    });
    assert.equal(created.status, 201, created.body);
    const key = created.json<{ key: string }>().key;
    const withKey = () => get('127.0.0.17', '/api/v1/notes', { 'X-API-Key': key });
    const statuses = await burst(DEFAULT_LIMIT + 1, withKey);
    assert.deepEqual(statuses, Array(DEFAULT_LIMIT + 1).fill(200));
    assertThrottled(await withKey());
    assert.equal((await get('127.0.0.17', '/.well-known/jwks.json')).status, 200);
  });

  it('gives a forged credential no budget of its own: it counts against the client address', async () => {
    const forged = (i: number): Record<string, string> =>
      i % 2 === 0 ? { Authorization: `Bearer ${randomBytes(24).toString('base64url')}` } : { 'X-API-Key': generateApiKey().key };
    const statuses = await burst(DEFAULT_LIMIT, (i) => get('127.0.0.18', '/api/v1/notes', forged(i)));
    assert.deepEqual(statuses, Array(DEFAULT_LIMIT).fill(401));
    assertThrottled(await get('127.0.0.18', '/api/v1/notes', forged(7)));
  });

  it('keeps the per-account lockout separate from per-address rate limits', async () => {
    // A throttled address does not lock the account: its owner logs in from elsewhere.
    const carol = await registerFrom(port, '127.0.1.6', 'carol');
    for (let i = 0; i < AUTH_LIMIT; i++) {
      await httpFrom(port, { method: 'POST', path: '/api/v1/auth/login', from: '127.0.0.19', body: {} });
    }
    assertThrottled(await loginFrom(port, '127.0.0.19', carol));
    assert.equal((await loginFrom(port, '127.0.1.7', carol)).status, 200);

    // The lockout follows the account across addresses, within every address's rate limit.
    const dave = await registerFrom(port, '127.0.1.8', 'dave');
    for (const from of ['127.0.0.20', '127.0.0.21', '127.0.0.22']) {
      assert.equal((await loginFrom(port, from, { email: dave.email, password: 'wrong password, long enough' })).status, 401);
    }
    assert.equal((await loginFrom(port, '127.0.1.9', dave)).status, 401, 'locked: the right password is refused too');
  });
});
