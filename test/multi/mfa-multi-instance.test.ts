import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { startInstance, type AppInstance } from '../support/app-instances.js';
import { accessTokenFrom, loginFrom, registerFrom } from '../support/clients.js';
import { enrolmentOf, enrolTotp, nextProof, totpCode, viaAddress, type Enrolment } from '../support/mfa.js';
import { RedisKeys } from '../support/redis-keys.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/**
 * The second factor's single-use guarantees hold across instances (docs/account-lifecycle.md#multi-factor-authentication):
 * the last accepted TOTP step and the spent mfaToken live in the shared database, moved by
 * conditional updates, so a code or a ticket used on instance A is refused on instance B.
 */
describe('MFA across two instances', { skip: SKIP_WITHOUT_REDIS }, () => {
  let db: TestDatabase;
  let a: AppInstance;
  let b: AppInstance;
  let keys: RedisKeys;
  let prefix: string;
  let user: { email: string; password: string } & Enrolment;

  before(async () => {
    db = await createTestDatabase();
    prefix = redisKeyPrefix(Buffer.from(db.secrets.API_KEY_PEPPER!, 'base64'));
    keys = new RedisKeys(TEST_REDIS_URL!);
    const env = {
      ...db.secrets,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL!,
      THROTTLE_AUTH_LIMIT: '1000',
      THROTTLE_DEFAULT_LIMIT: '1000',
      IDS_BLOCK_THRESHOLD: '1000',
      LOGIN_MAX_FAILURES: '50',
    };
    // One after the other: A migrates the fresh database, B starts on it.
    a = await startInstance('A', env);
    b = await startInstance('B', env);
    const from = '127.0.0.71';
    const account = await registerFrom(a.port, from, 'mfa-multi');
    const first = await loginFrom(a.port, from, account);
    user = { ...account, ...(await enrolTotp(viaAddress(a.port, from), account.email, first.json())) };
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await keys?.clear(prefix);
    await keys?.close();
    await db?.drop();
  });

  const ticket = async (instance: AppInstance, from: string) =>
    (await loginFrom(instance.port, from, user)).json<{ mfaToken: string }>().mfaToken;
  const verify = (instance: AppInstance, from: string, body: object) =>
    viaAddress(instance.port, from)('POST', '/api/v1/auth/mfa/verify', body);

  it('refuses on instance B a TOTP code accepted on instance A', async () => {
    // The helpers' record of the factor (test/support/mfa.ts), so later proofs skip this step.
    const enrolment = enrolmentOf(user.email)!;
    const step = enrolment.lastStep + 1;
    enrolment.lastStep = step;
    const code = totpCode(user.secret, step);
    const onA = await verify(a, '127.0.0.72', { mfaToken: await ticket(a, '127.0.0.72'), code });
    assert.equal(onA.status, 200);
    const onB = await verify(b, '127.0.0.73', { mfaToken: await ticket(b, '127.0.0.73'), code });
    assert.equal(onB.status, 401, 'the same code replayed on the other instance');
  });

  it('spends an mfaToken once: used on A, refused on B even with a good proof', async () => {
    const mfaToken = await ticket(a, '127.0.0.74');
    assert.equal((await verify(a, '127.0.0.74', { mfaToken, ...nextProof(user.email) })).status, 200);
    assert.equal((await verify(b, '127.0.0.75', { mfaToken, ...nextProof(user.email) })).status, 401);
  });

  it('lets one of two simultaneous uses of a proof win, one on each instance', async () => {
    const [ta, tb] = await Promise.all([ticket(a, '127.0.0.76'), ticket(b, '127.0.0.77')]);
    // A code of a step not used yet, or a recovery code once this step and the next are spent: both are single use.
    const proof = nextProof(user.email);
    const results = await Promise.all([
      verify(a, '127.0.0.76', { mfaToken: ta, ...proof }),
      verify(b, '127.0.0.77', { mfaToken: tb, ...proof }),
    ]);
    assert.deepEqual(results.map((result) => result.status).sort(), [200, 401]);
    // And the account still logs in with a fresh proof afterwards.
    assert.ok(await accessTokenFrom(b.port, '127.0.0.78', user));
  });
});
