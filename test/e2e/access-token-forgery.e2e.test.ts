import assert from 'node:assert/strict';
import { createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import jwt from 'jsonwebtoken';
import { bearer, login, registerUser } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Forged and malformed access tokens (docs/http-contract.md#auth, RFC 8725): each must get a 401. Every token
 * here is built by hand with jsonwebtoken, the way an attacker would.
 */
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('access-token verification refuses forgeries', () => {
  let t: TestApp;
  let valid: string;
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  let privateKey: KeyObject;

  before(async () => {
    t = await startTestApp();
    const account = await registerUser(t, 'forgery');
    valid = (await login(t, account)).accessToken;
    const [h, p] = valid.split('.');
    header = JSON.parse(Buffer.from(h!, 'base64url').toString());
    claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
    privateKey = t.config.jwt.privateKey;
  });
  after(async () => t.close());

  const sign = (
    payload: object,
    headerOverrides: object = {},
    key: KeyObject | string = privateKey,
    algorithm: jwt.Algorithm = 'ES256',
  ) => jwt.sign(payload, key, { algorithm, header: { ...header, ...headerOverrides, alg: algorithm } as jwt.JwtHeader });

  async function assertRefused(token: string, why: string): Promise<void> {
    const res = await t.http.get('/api/v1/auth/me').set(...bearer(token));
    assert.equal(res.status, 401, `${why} was accepted`);
    assert.match(res.headers['www-authenticate'] ?? '', /^Bearer/);
  }

  it('accepts the genuine token (control)', async () => {
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(valid))).status, 200);
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(sign(claims)))).status, 200, 're-signed genuine claims');
  });

  it('refuses alg none', async () => {
    await assertRefused(`${b64({ ...header, alg: 'none' })}.${b64(claims)}.`, 'alg none');
  });

  it('refuses HS256 signed with the public key (algorithm confusion)', async () => {
    const publicPem = createPublicKey(privateKey).export({ format: 'pem', type: 'spki' }).toString();
    const forged = `${b64({ ...header, alg: 'HS256' })}.${b64(claims)}`;
    const { createHmac } = await import('node:crypto');
    const signature = createHmac('sha256', publicPem).update(forged).digest('base64url');
    await assertRefused(`${forged}.${signature}`, 'HS256 with the public key');
  });

  it('refuses a foreign ES256 key presenting our kid', async () => {
    const foreign = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    await assertRefused(sign(claims, {}, foreign), 'foreign key with known kid');
  });

  it('refuses embedded jwk, jku, x5u and x5c headers, even with a valid signature', async () => {
    const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
    await assertRefused(sign(claims, { jwk }), 'embedded jwk');
    await assertRefused(sign(claims, { jku: 'https://evil.example/jwks.json' }), 'jku');
    await assertRefused(sign(claims, { x5u: 'https://evil.example/cert.pem' }), 'x5u');
    await assertRefused(sign(claims, { x5c: ['MIIB'] }), 'x5c');
  });

  it('refuses unknown, missing and path-like kids', async () => {
    await assertRefused(sign(claims, { kid: '../../../../dev/null' }), 'path-like kid');
    await assertRefused(sign(claims, { kid: 'A'.repeat(43) }), 'unknown kid');
    const { kid: _kid, ...noKid } = header;
    await assertRefused(
      jwt.sign(claims, privateKey, { algorithm: 'ES256', header: noKid as unknown as jwt.JwtHeader }),
      'no kid',
    );
  });

  it('refuses a wrong or missing typ', async () => {
    await assertRefused(sign(claims, { typ: 'JWT' }), 'typ JWT');
    const { typ: _typ, ...noTyp } = header;
    await assertRefused(
      jwt.sign(claims, privateKey, { algorithm: 'ES256', header: noTyp as unknown as jwt.JwtHeader }),
      'no typ',
    );
  });

  it('refuses expired, not-yet-valid and exp-less tokens', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(sign({ ...claims, iat: now - 3600, exp: now - 60 }), 'expired');
    await assertRefused(sign({ ...claims, nbf: now + 3600 }), 'not yet valid');
    const { exp: _exp, ...noExp } = claims;
    await assertRefused(sign(noExp), 'no exp');
  });

  it('refuses a token that lives longer than JWT_ACCESS_TTL', async () => {
    const now = Math.floor(Date.now() / 1000);
    await assertRefused(sign({ ...claims, iat: now, exp: now + 900 + 3600 }), 'lifetime above JWT_ACCESS_TTL');
  });

  it('refuses a token issued in the future, even when exp − iat is within JWT_ACCESS_TTL', async () => {
    const now = Math.floor(Date.now() / 1000);
    const accepted = sign({ ...claims, iat: now + 2, exp: now + 2 + 900 });
    assert.equal((await t.http.get('/api/v1/auth/me').set(...bearer(accepted))).status, 200, 'iat within the 5 s tolerance');
    for (const ahead of [60, 3600, 365 * 86_400]) {
      const future = sign({ ...claims, iat: now + ahead, exp: now + ahead + 900 });
      // Twice: the second request would be answered by the verified-token fast path had the first been accepted.
      await assertRefused(future, `iat ${ahead} s ahead`);
      await assertRefused(future, `iat ${ahead} s ahead, presented again`);
    }
  });

  it('refuses a wrong issuer or audience', async () => {
    await assertRefused(sign({ ...claims, iss: 'https://evil.example' }), 'wrong iss');
    await assertRefused(sign({ ...claims, aud: 'https://other-api.example' }), 'wrong aud');
  });

  it('refuses an unknown subject and missing claims', async () => {
    await assertRefused(sign({ ...claims, sub: randomUUID() }), 'unknown subject');
    const { jti: _jti, ...noJti } = claims;
    await assertRefused(sign(noJti), 'no jti');
    const { sid: _sid, ...noSid } = claims;
    await assertRefused(sign(noSid), 'no sid');
  });

  it('refuses a tampered payload or signature', async () => {
    const [h, , s] = valid.split('.');
    await assertRefused(`${h}.${b64({ ...claims, sub: randomUUID() })}.${s}`, 'tampered payload');
    const flipped = s!.slice(0, -2) + (s!.endsWith('AA') ? 'BB' : 'AA');
    await assertRefused(`${h}.${b64(claims).replace(/.$/, '')}${b64(claims).slice(-1)}.${flipped}`, 'tampered signature');
    await assertRefused('not.a.token', 'garbage');
    await assertRefused(`${valid}x`, 'trailing garbage');
  });
});

describe('JWT key rotation', () => {
  it('accepts tokens of a retired key listed in JWT_PREVIOUS_PUBLIC_KEYS, and only then', async () => {
    const oldKey = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const oldPem = oldKey.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    const before = await startTestApp({ JWT_PRIVATE_KEY: oldPem });
    const account = await registerUser(before, 'rotation');
    const oldToken = (await login(before, account)).accessToken;
    await before.app.close();

    const publicPem = oldKey.publicKey.export({ format: 'pem', type: 'spki' }).toString();
    const rotated = await startTestApp({ JWT_PREVIOUS_PUBLIC_KEYS: publicPem }, {}, before.db);
    try {
      assert.equal((await rotated.http.get('/api/v1/auth/me').set(...bearer(oldToken))).status, 200);
      const jwks = await rotated.http.get('/.well-known/jwks.json');
      assert.equal(jwks.body.keys.length, 2);
      const fresh = (await login(rotated, account)).accessToken;
      assert.notEqual(
        JSON.parse(Buffer.from(fresh.split('.')[0]!, 'base64url').toString()).kid,
        JSON.parse(Buffer.from(oldToken.split('.')[0]!, 'base64url').toString()).kid,
      );
    } finally {
      await rotated.app.close();
    }
    const retired = await startTestApp({}, {}, before.db);
    try {
      assert.equal((await retired.http.get('/api/v1/auth/me').set(...bearer(oldToken))).status, 401);
    } finally {
      await retired.app.close();
      await before.db.drop();
    }
  });
});
