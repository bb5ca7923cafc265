import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { accessTokenFrom, portOf, registerFrom } from '../support/clients.js';
import { httpFrom } from '../support/http-from.js';
import { strongPassword, type Account } from '../support/identity.js';
import { eventuallyEvent } from '../support/security-events-reader.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { type TestApp } from '../support/test-app.js';

const MAX_FAILURES = 3;
// One more than the budget; few enough that every hash fits the hashing gate's 5 s wait on a busy machine.
const WRONG_IN_BURST = MAX_FAILURES + 1;
const ADMIN_EMAIL = 'lockout-race-admin@example.com';
const ADMIN_FROM = '127.0.0.190';

/**
 * Races on one account (OWASP API2:2023, ASVS 6.3.1): the lockout must
 * hold against parallel requests, not only against requests one after the other. argon2 is made
 * slow here (ARGON2_TIME_COST) so that the wrong guesses of a burst are still hashing when the
 * right password arrives: that is the window in which a lock read before hashing and counted
 * after let the right password through.
 */
describe('the account lockout holds against parallel attempts', () => {
  let t: TestApp;
  let port: number;
  let adminToken: string;

  before(async () => {
    ({ t, adminToken } = await startTestAppWithAdmin(
      {
        LOGIN_MAX_FAILURES: String(MAX_FAILURES),
        ARGON2_TIME_COST: '6',
      },
      ADMIN_EMAIL,
      ADMIN_FROM,
    ));
    port = portOf(t);
  });
  after(async () => t.close());

  const loginAs = (from: string, email: string, password: string) =>
    httpFrom(port, { method: 'POST', path: '/api/v1/auth/login', from, body: { email, password } });

  const changePassword = (from: string, token: string, currentPassword: string) =>
    httpFrom(port, {
      method: 'POST',
      path: '/api/v1/auth/change-password',
      from,
      headers: { Authorization: `Bearer ${token}` },
      body: { currentPassword, newPassword: strongPassword() },
    });

  /** Parallel wrong guesses, then (while they are still hashing) the right password. */
  async function burstThenRight(send: (password: string, index: number) => Promise<{ status: number }>, account: Account) {
    const wrong = Array.from({ length: WRONG_IN_BURST }, (_, i) => send(`not the password, guess number ${i}`, i));
    // Long enough for the server to have received (and counted) the guesses, far shorter than
    // the MAX_FAILURES slow hashes after which a lock would be set.
    await delay(250);
    const right = await send(account.password, WRONG_IN_BURST);
    return { wrong: (await Promise.all(wrong)).map((res) => res.status), right: right.status };
  }

  it('refuses the right password sent during a burst of wrong ones past LOGIN_MAX_FAILURES', async () => {
    const account = await registerFrom(port, '127.0.0.191', 'login-race');
    const { wrong, right } = await burstThenRight((password) => loginAs('127.0.0.191', account.email, password), account);
    assert.deepEqual(wrong, Array(WRONG_IN_BURST).fill(401));
    assert.equal(right, 401, 'the right password got through a burst of wrong ones');
    assert.equal((await loginAs('127.0.0.191', account.email, account.password)).status, 401, 'still locked');
    await eventuallyEvent(port, adminToken, (e) => e.type === 'account_locked' && e.ip === '127.0.0.191', 'lock', ADMIN_FROM);
  });

  it('limits change-password guesses with the same counter, lock and security event as login', async () => {
    const account = await registerFrom(port, '127.0.0.192', 'change-race');
    const token = await accessTokenFrom(port, '127.0.0.192', account);
    const { wrong, right } = await burstThenRight((password) => changePassword('127.0.0.192', token, password), account);
    assert.deepEqual(wrong, Array(WRONG_IN_BURST).fill(400));
    assert.equal(right, 400, 'the right current password got through a burst of wrong ones');
    await eventuallyEvent(port, adminToken, (e) => e.type === 'account_locked' && e.ip === '127.0.0.192', 'lock', ADMIN_FROM);
    // The same lock covers login: the guesses above were not free.
    assert.equal((await loginAs('127.0.0.193', account.email, account.password)).status, 401, 'login during the lock');
    assert.equal((await changePassword('127.0.0.192', token, account.password)).status, 400, 'change during the lock');
  });

  it('counts change-password failures one after the other towards the login lock', async () => {
    const account = await registerFrom(port, '127.0.0.194', 'change-serial');
    const token = await accessTokenFrom(port, '127.0.0.194', account);
    for (let i = 0; i < MAX_FAILURES; i++) {
      const res = await changePassword('127.0.0.194', token, `a wrong current password ${i}`);
      assert.equal(res.status, 400);
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/);
    }
    assert.equal((await loginAs('127.0.0.194', account.email, account.password)).status, 401);
  });

  it('a parallel burst of right passwords beyond the budget does not leave the account refusing later logins', async () => {
    const account = await registerFrom(port, '127.0.0.196', 'right-burst');
    const statuses = await Promise.all(
      Array.from(
        { length: MAX_FAILURES + 2 },
        async () => (await loginAs('127.0.0.196', account.email, account.password)).status,
      ),
    );
    // The surplus of the burst may be refused (its outcome was unknown when it took its number)...
    assert.ok(statuses.includes(200), `statuses ${statuses.join(',')}`);
    // ...but a right password starts the count over: the next login, alone, succeeds.
    assert.equal((await loginAs('127.0.0.196', account.email, account.password)).status, 200);
  });

  it('a success before the limit resets the counter, as documented', async () => {
    const account = await registerFrom(port, '127.0.0.195', 'reset');
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < MAX_FAILURES - 1; i++) {
        assert.equal((await loginAs('127.0.0.195', account.email, `wrong guess ${round}-${i}`)).status, 401);
      }
      assert.equal((await loginAs('127.0.0.195', account.email, account.password)).status, 200, `round ${round}`);
    }
  });
});
