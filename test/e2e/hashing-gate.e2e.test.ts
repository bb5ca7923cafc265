import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { login, registerUser, strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const FLOOD = 30;

/**
 * The hashing gate (src/auth/passwords/hashing-gate.ts) wired into the real login route (OWASP
 * API4:2023): with ARGON2_MAX_CONCURRENT=1, one hash runs, 8 callers wait, and a
 * flood beyond that gets 503 + Retry-After at once instead of an unbounded queue of argon2 work.
 */
describe('a login flood meets the hashing gate', () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ ARGON2_MAX_CONCURRENT: '1', ARGON2_TIME_COST: '8', LOGIN_MAX_FAILURES: '1000' });
  });
  after(async () => t.close());

  it('answers 503 with Retry-After to logins beyond the gate, and serves again afterwards', async () => {
    const account = await registerUser(t, 'flood');
    const responses = await Promise.all(
      Array.from({ length: FLOOD }, (_, i) =>
        t.http
          .post('/api/v1/auth/login')
          .send({ email: i % 2 ? account.email : `nobody-${i}@example.com`, password: strongPassword() }),
      ),
    );
    const statuses = responses.map((res) => res.status);
    assert.ok(
      statuses.every((status) => status === 401 || status === 503),
      `only refusals expected: ${statuses.join(',')}`,
    );
    const busy = responses.filter((res) => res.status === 503);
    // 1 running + 8 waiting, plus the few admitted as slow hashes finish while the flood arrives.
    assert.ok(busy.length >= FLOOD / 2, `expected most of the flood refused, got ${busy.length} 503s of ${FLOOD}`);
    for (const res of busy) {
      assert.equal(res.headers['retry-after'], '1');
      assert.match(res.headers['content-type'] ?? '', /^application\/problem\+json/);
      assert.doesNotMatch(JSON.stringify(res.body), /argon|stack|Error:/);
    }
    await login(t, account);
  });
});
