import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, jwtVerify } from 'jose';
import { ProviderKeySet, ProviderUnreachableError } from '../../src/oidc/provider-key-set.js';

/**
 * What the service accepts from the provider's discovery and JWKS endpoints (OWASP API10:2023:
 * a consumed API's answers are untrusted input), against a real HTTP server on loopback that
 * answers each scenario under its own path prefix (the "issuer").
 */
describe('the provider key set (src/oidc/provider-key-set.ts)', () => {
  let server: Server;
  let base: string;
  let token: string;
  let jwks: { keys: object[] };
  let requests = 0;

  before(async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', use: 'sig' }] };
    token = await new SignJWT({ sub: 's' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(privateKey);
    server = createServer((req, res) => {
      requests += 1;
      const [, scenario, rest] = /^\/([^/]+)(.*)$/.exec(req.url ?? '') ?? [];
      const issuer = `${base}/${scenario}`;
      if (rest === '/.well-known/openid-configuration') {
        const document = { issuer: scenario === 'other-issuer' ? `${base}/someone-else` : issuer, jwks_uri: `${issuer}/jwks` };
        res.setHeader('content-type', 'application/json');
        return res.end(JSON.stringify(document));
      }
      if (scenario === 'redirect') {
        res.writeHead(302, { location: `${base}/good/jwks` });
        return res.end();
      }
      if (scenario === 'huge') {
        res.setHeader('content-type', 'application/json');
        // No Content-Length (chunked): the size is found while reading.
        res.write('{"keys":[], "padding":"');
        res.write('x'.repeat(300 * 1024));
        return res.end('"}');
      }
      if (scenario === 'not-a-key-set') return res.end('{"keys": "none"}');
      res.setHeader('content-type', 'application/jwk-set+json');
      res.end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const keySet = (scenario: string) =>
    new ProviderKeySet({ issuer: `${base}/${scenario}`, requireHttps: false, cooldownMs: 60_000 });
  const verify = (keys: ProviderKeySet) => jwtVerify(token, keys.resolve);

  it('verifies with the key the provider publishes (the control)', async () => {
    const keys = keySet('good');
    assert.equal((await verify(keys)).payload.sub, 's');
    assert.deepEqual(await keys.status(), { keys: 'fresh', provider: 'reachable' });
  });

  it('refuses a discovery document for another issuer, a redirect, an oversized or malformed key set: no key, fail closed', async () => {
    for (const scenario of ['other-issuer', 'redirect', 'huge', 'not-a-key-set']) {
      const keys = keySet(scenario);
      await assert.rejects(verify(keys), ProviderUnreachableError, scenario);
      assert.deepEqual(await keys.status(), { keys: 'none', provider: 'unreachable' }, scenario);
    }
  });

  it('requires an https jwks_uri when told to (production)', async () => {
    const keys = new ProviderKeySet({ issuer: `${base}/good`, requireHttps: true, cooldownMs: 60_000 });
    await assert.rejects(verify(keys), ProviderUnreachableError);
  });

  it('tries a failing provider at most once per cooldown, however many tokens arrive', async () => {
    const keys = keySet('redirect');
    const before = requests;
    await Promise.all(Array.from({ length: 20 }, () => assert.rejects(verify(keys), ProviderUnreachableError)));
    await assert.rejects(verify(keys), ProviderUnreachableError);
    assert.equal(requests - before, 2, 'one discovery and one JWKS request in all');
  });
});
