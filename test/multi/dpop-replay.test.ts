import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { redisKeyPrefix } from '../../src/shared-state/redis-key-prefix.js';
import { startInstance, type AppInstance } from '../support/app-instances.js';
import { registerFrom } from '../support/clients.js';
import { DpopClient } from '../support/dpop-client.js';
import { httpFrom } from '../support/http-from.js';
import { RedisKeys } from '../support/redis-keys.js';
import { SKIP_WITHOUT_REDIS, TEST_REDIS_URL } from '../support/redis-required.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** Both instances behind one name, as behind a load balancer: a proof names the service, not an instance. */
const ORIGIN = 'https://api.example.test';
const ME = '/api/v1/auth/me';
const LOGIN = '/api/v1/auth/login';
const FROM = '127.0.0.71';

/**
 * DPoP across instances (RFC 9449 §11.1): the jti replay cache and the server nonces live in
 * what all instances share (Redis; a key every instance derives), so a proof spent on A is
 * refused on B, and a nonce issued by A is good on B. Two `node build/src/main.js` processes,
 * one PostgreSQL database, one Redis.
 */
describe('DPoP across two instances', { skip: SKIP_WITHOUT_REDIS }, () => {
  let db: TestDatabase;
  let a: AppInstance;
  let b: AppInstance;
  let keys: RedisKeys;
  let prefix: string;

  before(async () => {
    db = await createTestDatabase();
    prefix = redisKeyPrefix(Buffer.from(db.secrets.API_KEY_PEPPER!, 'base64'));
    keys = new RedisKeys(TEST_REDIS_URL!);
    const env = {
      ...db.secrets,
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL!,
      PUBLIC_ORIGIN: ORIGIN,
      DPOP_NONCE_REQUIRED: 'true',
      THROTTLE_AUTH_LIMIT: '1000',
      THROTTLE_DEFAULT_LIMIT: '1000',
    };
    [a, b] = await Promise.all([startInstance('A', env), startInstance('B', env)]);
  });
  after(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await keys?.clear(prefix);
    await keys?.close();
    await db?.drop();
  });

  it('refuses on B a proof already used on A, and takes a nonce A issued', async () => {
    const account = await registerFrom(a.port, FROM, 'multi-dpop');
    const key = await DpopClient.generate();
    const credentials = { email: account.email, password: account.password };
    // Nonce from A, login on B with it: the nonce is good on every instance.
    const asked = await httpFrom(a.port, {
      method: 'POST',
      path: LOGIN,
      from: FROM,
      headers: { DPoP: await key.proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}` }) },
      body: credentials,
    });
    assert.equal(asked.status, 400);
    const nonce = String(asked.headers['dpop-nonce']);
    const login = await httpFrom(b.port, {
      method: 'POST',
      path: LOGIN,
      from: FROM,
      headers: { DPoP: await key.proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}`, nonce }) },
      body: credentials,
    });
    assert.equal(login.status, 200, login.body);
    const accessToken = login.json<{ accessToken: string }>().accessToken;

    const proof = await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, nonce });
    const get = (instance: AppInstance, dpop: string) =>
      httpFrom(instance.port, { path: ME, from: FROM, headers: { Authorization: `DPoP ${accessToken}`, DPoP: dpop } });
    assert.equal((await get(a, proof)).status, 200);
    const replayed = await get(b, proof);
    assert.equal(replayed.status, 401);
    assert.match(String(replayed.headers['www-authenticate']), /^DPoP error="invalid_dpop_proof"/);
    // A fresh proof of the same key is fine on B: the refusal was the shared replay cache.
    assert.equal((await get(b, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, nonce }))).status, 200);
  });
});
