import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SignJWT, type JWK } from 'jose';
import { DpopReplayCache } from '../../src/dpop/dpop-replay-cache.js';
import { AccessTokenService } from '../../src/auth/tokens/access-token.service.js';
import { StateStoreUnavailableError } from '../../src/shared-state/state-store-unavailable.error.js';
import { portOf } from '../support/clients.js';
import { DpopClient, athOf, jwtClaims } from '../support/dpop-client.js';
import { bearer, login, registerUser, type Account } from '../support/identity.js';
import { enrolTotp, nextProof, viaSupertest } from '../support/mfa.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { passwordAuthentication } from '../../src/auth/sessions/session-authentication.js';

const ORIGIN = 'https://api.example.test';
const ME = '/api/v1/auth/me';
const LOGIN = '/api/v1/auth/login';
const REFRESH = '/api/v1/auth/refresh';
const VERIFY = '/api/v1/auth/mfa/verify';
const REAUTHENTICATE = '/api/v1/auth/reauthenticate';
const now = () => Math.floor(Date.now() / 1000);

interface Bound {
  readonly account: Account;
  readonly key: DpopClient;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Logs in with a DPoP proof of a fresh key: the tokens are bound to it. */
async function boundLogin(t: TestApp, prefix: string, extra: { nonce?: string } = {}): Promise<Bound> {
  const account = await registerUser(t, prefix);
  const key = await DpopClient.generate();
  const res = await t.http
    .post(LOGIN)
    .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}`, ...extra }))
    .send({ email: account.email, password: account.password });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.tokenType, 'DPoP');
  return { account, key, accessToken: res.body.accessToken, refreshToken: res.body.refreshToken };
}

/** GET /api/v1/auth/me with `Authorization: DPoP <token>` and the given proof (none when undefined). */
async function me(t: TestApp, token: string, proof: string | undefined, scheme = 'DPoP') {
  const req = t.http.get(ME).set('Authorization', `${scheme} ${token}`);
  return proof === undefined ? req : req.set('DPoP', proof);
}

function assertProofRefused(res: { status: number; headers: Record<string, string> }, code = 'invalid_dpop_proof'): void {
  assert.equal(res.status, 401);
  assert.match(String(res.headers['www-authenticate']), new RegExp(`^DPoP error="${code}", algs="[^"]*ES256[^"]*"$`));
}

/**
 * DPoP (RFC 9449) end to end, real crypto on both sides (jose): a token bound to a client's key
 * is useless without that key. Every refusal below names the control it proves; each one was
 * seen failing with its check removed from src/dpop/.
 */
describe('DPoP sender-constrained tokens', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  });
  after(async () => t.close());

  it('binds the tokens of a login with a proof to its key, and accepts them with a fresh proof every time', async () => {
    const { account, key, accessToken } = await boundLogin(t, 'dpop-happy');
    assert.deepEqual(jwtClaims(accessToken).cnf, { jkt: key.jkt });
    for (let i = 0; i < 3; i++) {
      const res = await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.id, account.id);
    }
  });

  it('refuses a bound token without a proof, also once the token is on the verified-token fast path', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-noproof');
    assertProofRefused(await me(t, accessToken, undefined));
    // Accepted once (now cached as verified): the next request still needs its own proof.
    assert.equal((await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken }))).status, 200);
    assertProofRefused(await me(t, accessToken, undefined));
  });

  it('refuses a bound token presented as a Bearer token, with or without a proof', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-bearer');
    for (const proof of [undefined, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken })]) {
      const res = await me(t, accessToken, proof, 'Bearer');
      assert.equal(res.status, 401);
      assert.match(String(res.headers['www-authenticate']), /^Bearer realm="api", error="invalid_token", DPoP algs="/);
    }
  });

  it('refuses a proof made for another method or another URL', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-target');
    const port = portOf(t);
    for (const [htm, htu] of [
      ['POST', `${ORIGIN}${ME}`],
      ['GET', `${ORIGIN}/api/v1/notes`],
      ['GET', `https://other.example.test${ME}`],
      ['GET', `http://api.example.test${ME}`],
      // The address the request really reached: PUBLIC_ORIGIN, not the Host header, names this service.
      ['GET', `http://127.0.0.1:${port}${ME}`],
      ['GET', `${ORIGIN}${ME}/`],
      ['GET', 'not a url'],
    ] as const) {
      assertProofRefused(await me(t, accessToken, await key.proof({ htm, htu, accessToken })));
    }
  });

  it('accepts another spelling of the same URL (case of scheme and host, default port, escapes, query)', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-spelling');
    for (const htu of [
      `HTTPS://API.Example.TEST:443${ME}`,
      `${ORIGIN}/api/v1/auth/%6De`,
      `${ORIGIN}/api/v1/notes/../auth/me`,
      `${ORIGIN}${ME}?page=2#top`,
    ]) {
      const res = await me(t, accessToken, await key.proof({ htm: 'GET', htu, accessToken }));
      assert.equal(res.status, 200, htu);
    }
  });

  it('refuses a replayed proof (same jti), even a second later on the fast path', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-replay');
    const proof = await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken });
    assert.equal((await me(t, accessToken, proof)).status, 200);
    assertProofRefused(await me(t, accessToken, proof));
    // Same claims, another jti: accepted, so the refusal above was the replay check.
    const jti = randomUUID();
    assert.equal(
      (await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, jti }))).status,
      200,
    );
    assertProofRefused(await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, jti })));
  });

  it('refuses a stale proof and one dated in the future', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-iat');
    for (const iat of [now() - 120, now() + 60]) {
      assertProofRefused(await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, iat })));
    }
    assert.equal(
      (await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, iat: now() - 30 }))).status,
      200,
    );
  });

  it('refuses a proof signed by another key, even one that names the bound key in its header', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-wrongkey');
    const other = await DpopClient.generate();
    assertProofRefused(await me(t, accessToken, await other.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken })));
    // The bound key's public JWK in the header, another key's signature: the signature check fails.
    const forged = await other.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, header: { jwk: key.publicJwk } });
    assertProofRefused(await me(t, accessToken, forged));
  });

  it('refuses a proof whose ath does not hash the presented token, or has none', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-ath');
    const other = await boundLogin(t, 'dpop-ath-other');
    assertProofRefused(
      await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken: other.accessToken })),
    );
    assertProofRefused(await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}` })));
  });

  it('refuses a proof that carries a private key, a symmetric algorithm or the wrong typ', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-shape');
    const htu = `${ORIGIN}${ME}`;
    assertProofRefused(
      await me(t, accessToken, await key.proof({ htm: 'GET', htu, accessToken, header: { jwk: key.privateJwk } })),
    );
    assertProofRefused(await me(t, accessToken, await key.proof({ htm: 'GET', htu, accessToken, header: { typ: 'JWT' } })));
    // A real HS256 signature whose key is in the header: a shared secret proves no possession.
    const secret = randomBytes(32);
    const hmac = await new SignJWT({ jti: randomUUID(), htm: 'GET', htu, iat: now(), ath: athOf(accessToken) })
      // jose's types rightly keep a secret out of a header; this test puts one there on purpose.
      .setProtectedHeader({ typ: 'dpop+jwt', alg: 'HS256', jwk: { kty: 'oct', k: secret.toString('base64url') } as JWK })
      .sign(secret);
    assertProofRefused(await me(t, accessToken, hmac));
    assertProofRefused(await me(t, accessToken, `${await key.proof({ htm: 'GET', htu, accessToken })}, x.y.z`));
  });

  it('binds the refresh token to the key: a refresh needs a proof of that key, and a refused one spends nothing', async () => {
    const { key, refreshToken } = await boundLogin(t, 'dpop-refresh');
    const refresh = async (proof: string | undefined) => {
      const req = t.http.post(REFRESH);
      return (proof === undefined ? req : req.set('DPoP', proof)).send({ refreshToken });
    };
    assert.equal((await refresh(undefined)).status, 401, 'no proof');
    const other = await DpopClient.generate();
    assert.equal((await refresh(await other.proof({ htm: 'POST', htu: `${ORIGIN}${REFRESH}` }))).status, 401, 'another key');
    const res = await refresh(await key.proof({ htm: 'POST', htu: `${ORIGIN}${REFRESH}` }));
    assert.equal(res.status, 200, 'the refused attempts did not spend the refresh token');
    assert.equal(res.body.tokenType, 'DPoP');
    assert.deepEqual(jwtClaims(res.body.accessToken).cnf, { jkt: key.jkt });
    const accessToken = res.body.accessToken as string;
    assert.equal((await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken }))).status, 200);
  });

  it('does not bind an unbound session later: its refresh with a proof is refused', async () => {
    const account = await registerUser(t, 'dpop-upgrade');
    const login = await t.http.post(LOGIN).send({ email: account.email, password: account.password });
    assert.equal(login.body.tokenType, 'Bearer');
    const key = await DpopClient.generate();
    const res = await t.http
      .post(REFRESH)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${REFRESH}` }))
      .send({ refreshToken: login.body.refreshToken });
    assert.equal(res.status, 401);
    assert.equal((await t.http.post(REFRESH).send({ refreshToken: login.body.refreshToken })).status, 200);
  });

  it('answers a login with a refused proof 400 with the DPoP error, and checks no password', async () => {
    const account = await registerUser(t, 'dpop-login-bad');
    const key = await DpopClient.generate();
    const res = await t.http
      .post(LOGIN)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}/api/v1/auth/register` }))
      .send({ email: account.email, password: 'not the password' });
    assert.equal(res.status, 400);
    assert.match(String(res.headers['www-authenticate']), /^DPoP error="invalid_dpop_proof", algs="/);
    assert.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  });

  it('keeps unbound Bearer tokens working and refuses them under the DPoP scheme', async () => {
    const account = await registerUser(t, 'dpop-unbound');
    const login = await t.http.post(LOGIN).send({ email: account.email, password: account.password });
    assert.equal(login.body.tokenType, 'Bearer');
    assert.equal(jwtClaims(login.body.accessToken).cnf, undefined);
    assert.equal((await t.http.get(ME).set(...bearer(login.body.accessToken))).status, 200);
    const key = await DpopClient.generate();
    const accessToken = login.body.accessToken as string;
    const res = await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken }));
    assert.equal(res.status, 401);
    assert.match(String(res.headers['www-authenticate']), /^DPoP error="invalid_token"/);
  });

  it('answers 503, never 200, when the replay cache cannot be asked (fail closed)', async () => {
    const { key, accessToken } = await boundLogin(t, 'dpop-outage');
    const replays = t.app.get(DpopReplayCache);
    const original = replays.firstUse.bind(replays);
    replays.firstUse = () => Promise.reject(new StateStoreUnavailableError('test: store down'));
    try {
      const res = await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken }));
      assert.equal(res.status, 503);
      assert.doesNotMatch(res.text, /test: store down/);
    } finally {
      replays.firstUse = original;
    }
  });

  it('publishes the issuer metadata (RFC 8414) under PUBLIC_ORIGIN, and keeps the JWKS', async () => {
    const res = await t.http.get('/.well-known/oauth-authorization-server');
    assert.equal(res.status, 200);
    assert.equal(res.headers['cache-control'], 'public, max-age=300');
    assert.deepEqual(res.body, {
      issuer: t.config.jwt.issuer,
      jwks_uri: `${ORIGIN}/.well-known/jwks.json`,
      token_endpoint: `${ORIGIN}/api/v1/auth/login`,
      token_endpoint_auth_methods_supported: ['none'],
      grant_types_supported: [],
      response_types_supported: [],
      dpop_signing_alg_values_supported: ['ES256', 'ES384', 'EdDSA', 'Ed25519', 'PS256', 'RS256'],
      access_token_signing_alg_values_supported: ['ES256'],
    });
    const jwks = await t.http.get('/.well-known/jwks.json');
    assert.equal(jwks.status, 200);
    assert.ok(jwks.body.keys.length >= 1);
  });
});

/**
 * DPOP_REQUIRED and DPOP_NONCE_REQUIRED: every access token must be bound, and every proof must
 * carry a nonce the server handed out (DPoP-Nonce), at login and at every resource.
 */
describe('DPoP required, with server nonces', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({
      PUBLIC_ORIGIN: ORIGIN,
      DPOP_REQUIRED: 'true',
      DPOP_NONCE_REQUIRED: 'true',
      CORS_ORIGINS: 'https://app.example.test',
    });
  });
  after(async () => t.close());

  it('refuses a login without a proof', async () => {
    const account = await registerUser(t, 'dpopreq-noproof');
    const res = await t.http.post(LOGIN).send({ email: account.email, password: account.password });
    assert.equal(res.status, 400);
    assert.match(String(res.headers['www-authenticate']), /^DPoP error="invalid_dpop_proof"/);
  });

  it('asks for a nonce at login and at the resource, and accepts proofs that carry it', async () => {
    const account = await registerUser(t, 'dpopreq-nonce');
    const key = await DpopClient.generate();
    const login = (nonce?: string) =>
      key
        .proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}`, nonce })
        .then((proof) => t.http.post(LOGIN).set('DPoP', proof).send({ email: account.email, password: account.password }));
    const first = await login();
    assert.equal(first.status, 400);
    const fromBrowser = await t.http
      .post(LOGIN)
      .set('Origin', 'https://app.example.test')
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}` }))
      .send({ email: account.email, password: account.password });
    assert.match(
      String(fromBrowser.headers['access-control-expose-headers']),
      /DPoP-Nonce.*WWW-Authenticate/,
      'a browser client can read them',
    );
    assert.match(String(first.headers['www-authenticate']), /^DPoP error="use_dpop_nonce"/);
    const nonce = String(first.headers['dpop-nonce']);
    assert.match(nonce, /^[A-Za-z0-9_-]{20,}$/);
    const second = await login(nonce);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.ok(second.headers['dpop-nonce'], 'the next nonce comes with the tokens');
    const accessToken = second.body.accessToken as string;

    const noNonce = await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken }));
    assertProofRefused(noNonce, 'use_dpop_nonce');
    const forged = `${nonce.slice(0, -2)}AA`;
    assertProofRefused(
      await me(t, accessToken, await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, nonce: forged })),
      'use_dpop_nonce',
    );
    const ok = await me(
      t,
      accessToken,
      await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken, nonce: String(noNonce.headers['dpop-nonce']) }),
    );
    assert.equal(ok.status, 200);
    assert.ok(ok.headers['dpop-nonce']);
  });

  it('refuses an unbound access token, even one of a live session of an enabled user', async () => {
    const key = await DpopClient.generate();
    const account = await registerUser(t, 'dpopreq-unbound');
    const credentials = { email: account.email, password: account.password };
    const asked = await t.http
      .post(LOGIN)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}` }))
      .send(credentials);
    const nonce = String(asked.headers['dpop-nonce']);
    const login = await t.http
      .post(LOGIN)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${LOGIN}`, nonce }))
      .send(credentials);
    assert.equal(login.status, 200);
    const claims = jwtClaims(login.body.accessToken);
    const unbound = t.app.get(AccessTokenService).issue({
      userId: account.id,
      sessionId: String(claims.sid),
      tokenVersion: Number(claims.tv),
      authentication: passwordAuthentication(),
    }).token;
    const res = await t.http.get(ME).set(...bearer(unbound));
    assert.equal(res.status, 401);
    assert.match(String(res.headers['www-authenticate']), /^DPoP error="invalid_token", algs="/);
  });
});

/** The second login step issues the tokens, so it plays the token endpoint's part too (RFC 9449 §5). */
describe('DPoP with a second factor', () => {
  let t: TestApp;

  before(async () => {
    t = await startTestApp({ PUBLIC_ORIGIN: ORIGIN });
  });
  after(async () => t?.close());

  it('binds the tokens of the MFA verify step to the key of the proof sent there; reauthentication keeps the binding', async () => {
    const account = await registerUser(t, 'dpop-mfa');
    await enrolTotp(viaSupertest(t), account.email, await login(t, account));
    const first = await t.http.post(LOGIN).send({ email: account.email, password: account.password });
    assert.equal(first.status, 200);
    assert.equal(first.body.mfaRequired, true);

    const key = await DpopClient.generate();
    const verified = await t.http
      .post(VERIFY)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${VERIFY}` }))
      .send({ mfaToken: first.body.mfaToken, ...nextProof(account.email) });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    assert.equal(verified.body.tokenType, 'DPoP');
    assert.deepEqual(jwtClaims(verified.body.accessToken).cnf, { jkt: key.jkt });
    assert.deepEqual(jwtClaims(verified.body.accessToken).amr, ['pwd', 'otp']);
    // Bound: refused as a Bearer token, accepted with a proof of the key.
    assert.equal((await t.http.get(ME).set(...bearer(verified.body.accessToken))).status, 401);
    const proofForMe = await key.proof({ htm: 'GET', htu: `${ORIGIN}${ME}`, accessToken: verified.body.accessToken });
    assert.equal((await me(t, verified.body.accessToken, proofForMe)).status, 200);

    // Re-authentication issues new tokens for the same session: bound to the same key.
    const again = await t.http
      .post(REAUTHENTICATE)
      .set('Authorization', `DPoP ${verified.body.accessToken}`)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${REAUTHENTICATE}`, accessToken: verified.body.accessToken }))
      .send({ password: account.password, ...nextProof(account.email) });
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.equal(again.body.tokenType, 'DPoP');
    assert.deepEqual(jwtClaims(again.body.accessToken).cnf, { jkt: key.jkt });
    // Its refresh token, like the session's, is spent only with a proof of that key.
    assert.equal((await t.http.post(REFRESH).send({ refreshToken: again.body.refreshToken })).status, 401);
    const refreshed = await t.http
      .post(REFRESH)
      .set('DPoP', await key.proof({ htm: 'POST', htu: `${ORIGIN}${REFRESH}` }))
      .send({ refreshToken: again.body.refreshToken });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.deepEqual(jwtClaims(refreshed.body.accessToken).cnf, { jkt: key.jkt });
    assert.deepEqual(jwtClaims(refreshed.body.accessToken).amr, ['pwd', 'otp']);
  });
});
