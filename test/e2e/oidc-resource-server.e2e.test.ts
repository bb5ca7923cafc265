import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { generateKeyPair, SignJWT } from 'jose';
import { DataSource } from 'typeorm';
import { OneTimeTokens } from '../../src/auth/recovery/one-time-tokens.js';
import { MailQueue } from '../../src/mail/mail-queue.js';
import { startTestAppWithAdmin } from '../support/app-with-admin.js';
import { auditRowsFor } from '../support/audit-rows.js';
import { DpopClient } from '../support/dpop-client.js';
import { bearer, registerUser } from '../support/identity.js';
import { API_AUDIENCE, OidcTestProvider, OTHER_AUDIENCE } from '../support/oidc-test-provider.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * docs/oauth-oidc.md: this service as an OAuth 2.0 resource server for an external OpenID
 * provider, against a real `oidc-provider` on loopback (no protocol mocks): users sign in with
 * authorization code + PKCE, machine clients use client credentials, tokens are RFC 9068 JWTs.
 */
const COOLDOWN_MS = 1000;
/** Our PUBLIC_ORIGIN: what the `htu` of a DPoP proof names. */
const ORIGIN = 'https://api.example.test';
const now = () => Math.floor(Date.now() / 1000);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function oidcEnv(provider: OidcTestProvider): Record<string, string> {
  return {
    OIDC_ISSUER: provider.issuer,
    OIDC_AUDIENCE: API_AUDIENCE,
    // Keycloak's shape, to exercise the dot path.
    OIDC_ROLES_CLAIM: 'realm_access.roles',
    OIDC_ROLE_MAP: 'admin=api-admin,auditor=api-auditor',
    OIDC_ALGORITHMS: 'RS256,ES256',
    OIDC_JWKS_COOLDOWN_SECONDS: String(COOLDOWN_MS / 1000),
    PUBLIC_ORIGIN: ORIGIN,
  };
}

describe('Resource server for an external OpenID provider', () => {
  let provider: OidcTestProvider;
  let t: TestApp;
  let adminToken: string;
  let attackerKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  const get = (path: string, token: string) => t.http.get(path).set(...bearer(token));
  const notesWith = (token: string) => get('/api/v1/notes', token);
  const query = (sql: string, params: unknown[]) => {
    const marks = t.db.kind === 'postgres' ? params.map((_, i) => `$${i + 1}`) : params.map(() => '?');
    return t.app.get(DataSource).query(
      sql.replace(/\$(\d)/g, (_, i: string) => marks[Number(i) - 1]!),
      params,
    );
  };
  const identities = (subject: string): Promise<{ issuer: string; user_id: string; kind: string }[]> =>
    query('SELECT issuer, user_id, kind FROM external_identities WHERE subject = $1 ORDER BY issuer', [subject]);
  /** A provider-shaped token signed by someone else's key, under the provider's key id (or another). */
  const forged = (kid: string, claims: Record<string, unknown> = {}) =>
    new SignJWT({ sub: 'mallory', aud: API_AUDIENCE, iss: provider.issuer, ...claims })
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'at+jwt' })
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(attackerKey);
  const providerClaims = (sub: string, extra: Record<string, unknown> = {}) => ({
    iss: provider.issuer,
    aud: API_AUDIENCE,
    sub,
    iat: now(),
    exp: now() + 300,
    ...extra,
  });

  before(async () => {
    provider = await OidcTestProvider.start();
    ({ t, adminToken } = await startTestAppWithAdmin(oidcEnv(provider), 'oidc-admin@example.com'));
    ({ privateKey: attackerKey } = await generateKeyPair('RS256'));
  });
  after(async () => {
    await t?.close();
    await provider?.close();
  });

  it('accepts a user token from authorization code + PKCE, provisions the account by (iss, sub) and audits issuer and subject', async () => {
    const { accessToken } = await provider.userTokens('carol');
    assert.equal((await notesWith(accessToken)).status, 200);
    const created = await t.http
      .post('/api/v1/notes')
      .set(...bearer(accessToken))
      .send({ title: 'from the provider', body: 'x' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const [identity, ...others] = await identities('carol');
    assert.equal(others.length, 0);
    assert.deepEqual({ issuer: identity!.issuer, kind: identity!.kind }, { issuer: provider.issuer, kind: 'user' });
    const [owner] = await query('SELECT owner_id FROM notes WHERE id = $1', [created.body.id]);
    assert.equal(owner.owner_id, identity!.user_id, 'the note belongs to the provisioned account');
    const [event] = await auditRowsFor(t, created.headers['x-request-id']!);
    assert.deepEqual(
      [
        event!.actor_type,
        event!.actor_id,
        (event as unknown as Record<string, unknown>).actor_issuer,
        (event as unknown as Record<string, unknown>).actor_subject,
      ],
      ['externalUser', identity!.user_id, provider.issuer, 'carol'],
    );
    // The next token of the same account is the same user (no second account).
    const again = await provider.userTokens('carol');
    assert.equal((await get(`/api/v1/notes/${created.body.id}`, again.accessToken)).status, 200);
    assert.equal((await identities('carol')).length, 1);
  });

  it('accepts a machine client token (client credentials) with only the scopes this API defines', async () => {
    const readOnly = await provider.clientToken('notes:read billing:admin');
    const listed = await notesWith(readOnly);
    assert.equal(listed.status, 200);
    const [event] = await auditRowsFor(t, listed.headers['x-request-id']!);
    assert.equal(event!.actor_type, 'client');
    assert.equal((event as unknown as Record<string, unknown>).actor_subject, provider.machine.clientId);
    // notes:write was not granted: the same @Scopes rule as for an API key.
    const refused = await t.http
      .post('/api/v1/notes')
      .set(...bearer(readOnly))
      .send({ title: 't', body: 'b' });
    assert.equal(refused.status, 403);
    // A scope only the provider knows (billing:admin) grants nothing here; audit:read needs a mapped role too.
    assert.equal((await get('/api/v1/audit-events', await provider.clientToken('audit:read billing:admin'))).status, 403);
    const writer = await provider.clientToken('notes:write');
    const created = await t.http
      .post('/api/v1/notes')
      .set(...bearer(writer))
      .send({ title: 'robot', body: 'b' });
    assert.equal(created.status, 201);
    const [identity] = await identities(provider.machine.clientId);
    assert.equal(identity!.kind, 'client');
    const [owner] = await query('SELECT owner_id FROM notes WHERE id = $1', [created.body.id]);
    assert.equal(owner.owner_id, identity!.user_id, 'what a client creates belongs to its local account');
  });

  it('keeps two provider accounts sharing an email apart, and apart from the local account with that email', async () => {
    const local = await registerUser(t, 'shared');
    provider.emails.set('alice', local.email);
    provider.emails.set('bob', local.email);
    for (const login of ['alice', 'bob']) {
      const { accessToken } = await provider.userTokens(login);
      assert.equal((await notesWith(accessToken)).status, 200);
    }
    const [alice] = await identities('alice');
    const [bob] = await identities('bob');
    assert.notEqual(alice!.user_id, bob!.user_id);
    assert.ok(![alice!.user_id, bob!.user_id].includes(local.id), 'no provider token signs in as the local account');
  });

  it('maps provider roles at every request: a role removed at the provider counts at the next token', async () => {
    provider.roles.set('dave', ['api-admin', 'unrelated']);
    // An admin role needs a second factor (MFA_REQUIRED_ROLES): dave signed in with one.
    provider.amr.set('dave', ['pwd', 'otp']);
    const asAdmin = await provider.userTokens('dave');
    assert.equal((await get('/api/v1/users', asAdmin.accessToken)).status, 200);
    provider.roles.set('dave', ['api-auditor']);
    const asAuditor = await provider.userTokens('dave');
    assert.equal((await get('/api/v1/users', asAuditor.accessToken)).status, 403);
    assert.equal((await get('/api/v1/audit-events', asAuditor.accessToken)).status, 200);
    provider.roles.set('dave', []);
    const asUser = await provider.userTokens('dave');
    assert.equal((await get('/api/v1/audit-events', asUser.accessToken)).status, 403);
    assert.equal((await notesWith(asUser.accessToken)).status, 200);
  });

  it('refuses a provider account disabled locally by an admin, whatever the provider says', async () => {
    const { accessToken } = await provider.userTokens('erin');
    assert.equal((await notesWith(accessToken)).status, 200);
    const [erin] = await identities('erin');
    const disable = await t.http
      .patch(`/api/v1/users/${erin!.user_id}`)
      .set(...bearer(adminToken))
      .send({ disabled: true });
    assert.equal(disable.status, 200, JSON.stringify(disable.body));
    assert.equal((await notesWith(accessToken)).status, 401);
    assert.equal((await notesWith((await provider.userTokens('erin')).accessToken)).status, 401, 'a fresh token too');
    await t.http
      .patch(`/api/v1/users/${erin!.user_id}`)
      .set(...bearer(adminToken))
      .send({ disabled: false });
    assert.equal((await notesWith(accessToken)).status, 200);
  });

  it('lets a provider admin administer accounts, and refuses a local role change for a provider account', async () => {
    provider.roles.set('olga', ['api-admin']);
    provider.amr.set('olga', ['pwd', 'hwk']);
    const olga = (await provider.userTokens('olga')).accessToken;
    const paul = (await provider.userTokens('paul')).accessToken;
    assert.equal((await notesWith(paul)).status, 200);
    const [paulAccount] = await identities('paul');
    const account = `/api/v1/users/${paulAccount!.user_id}`;
    assert.equal(
      (
        await t.http
          .patch(account)
          .set(...bearer(olga))
          .send({ disabled: true })
      ).status,
      200,
    );
    assert.equal((await notesWith(paul)).status, 401);
    assert.equal(
      (
        await t.http
          .patch(account)
          .set(...bearer(olga))
          .send({ disabled: false })
      ).status,
      200,
    );
    assert.equal((await notesWith(paul)).status, 200);
    // The role of a provider account comes from its token: a local change would silently do nothing.
    const promote = await t.http
      .patch(account)
      .set(...bearer(adminToken))
      .send({ role: 'auditor' });
    assert.equal(promote.status, 409);
    assert.match(promote.body.detail, /identity provider/);
    const [row] = await query('SELECT role FROM users WHERE id = $1', [paulAccount!.user_id]);
    assert.equal(row.role, 'user');
  });

  it('holds a provider admin to MFA_REQUIRED_ROLES by its amr, and to step-up by its auth_time', async () => {
    provider.roles.set('quinn', ['api-admin']);
    const rita = await provider.userTokens('rita');
    assert.equal((await notesWith(rita.accessToken)).status, 200);
    const [ritaAccount] = await identities('rita');
    const disable = (token: string, disabled: boolean) =>
      t.http
        .patch(`/api/v1/users/${ritaAccount!.user_id}`)
        .set(...bearer(token))
        .send({ disabled });

    // Signed in with a password alone (or a provider that does not say): an admin reaches nothing.
    provider.amr.set('quinn', ['pwd']);
    const passwordOnly = (await provider.userTokens('quinn')).accessToken;
    const refused = await get('/api/v1/users', passwordOnly);
    assert.equal(refused.status, 403);
    assert.match(refused.body.detail, /multi-factor authentication/);
    assert.equal((await disable(passwordOnly, true)).status, 403);

    // With a second factor, but a sign-in older than STEP_UP_MAX_AGE: reads work, a sensitive change is a 401.
    provider.amr.set('quinn', ['pwd', 'otp']);
    provider.authTimes.set('quinn', Math.floor(Date.now() / 1000) - 3600);
    const stale = (await provider.userTokens('quinn')).accessToken;
    assert.equal((await get('/api/v1/users', stale)).status, 200);
    const stepUp = await disable(stale, true);
    assert.equal(stepUp.status, 401);
    assert.match(stepUp.headers['www-authenticate']!, /error="insufficient_user_authentication".*max_age=600/);
    assert.match(stepUp.body.detail, /identity provider/);
    // A token that does not say when the person signed in cannot show a recent sign-in.
    provider.authTimes.set('quinn', null);
    assert.equal((await disable((await provider.userTokens('quinn')).accessToken, true)).status, 401);
    assert.equal((await notesWith(rita.accessToken)).status, 200, 'nothing changed');

    // A fresh sign-in with a second factor: the change goes through.
    provider.authTimes.delete('quinn');
    const fresh = (await provider.userTokens('quinn')).accessToken;
    assert.equal((await disable(fresh, true)).status, 200);
    assert.equal((await notesWith(rita.accessToken)).status, 401);
    assert.equal((await disable(fresh, false)).status, 200);
  });

  it('answers local password routes for provider accounts with a clear problem', async () => {
    const { accessToken } = await provider.userTokens('frank');
    const res = await t.http
      .post('/api/v1/auth/change-password')
      .set(...bearer(accessToken))
      .send({ currentPassword: 'whatever it was', newPassword: 'correct horse battery staple 42' });
    assert.equal(res.status, 403);
    assert.match(res.headers['content-type']!, /application\/problem\+json/);
    assert.match(res.body.detail, /identity provider/);
    // Nor can anyone sign in locally as the provisioned account.
    const [frank] = await identities('frank');
    const [row] = await query('SELECT password_hash FROM users WHERE id = $1', [frank!.user_id]);
    assert.doesNotMatch(row.password_hash, /^\$argon2/);
  });

  it('never gives a provider account a local password through a reset: no link is issued, and a link would be refused', async () => {
    const { accessToken } = await provider.userTokens('sam');
    assert.equal((await notesWith(accessToken)).status, 200);
    const [sam] = await identities('sam');
    const [account] = await query('SELECT email, password_hash FROM users WHERE id = $1', [sam!.user_id]);
    const request = await t.http.post('/api/v1/auth/password-reset/request').send({ email: account.email });
    // The placeholder (`<id>@external.invalid`) is not an address the API accepts; compose skips
    // provider accounts too, should a fork accept it.
    assert.equal(request.status, 400);
    await t.app.get(MailQueue).idle();
    assert.deepEqual(await query('SELECT id FROM one_time_tokens WHERE user_id = $1', [sam!.user_id]), [], 'no link');
    // Even a link (say, from a relay that accepts .invalid) sets no password.
    const token = await t.app.get(OneTimeTokens).issue(sam!.user_id, 'password_reset');
    const confirm = await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token, newPassword: 'correct horse battery staple 42' });
    assert.equal(confirm.status, 400);
    const [after] = await query('SELECT password_hash FROM users WHERE id = $1', [sam!.user_id]);
    assert.equal(after.password_hash, account.password_hash);
  });

  it('refuses forged, expired, not-yet-valid, wrong-audience, wrong-issuer, wrongly typed and ID tokens', async () => {
    // The control: a token signed with the provider's key and sane claims is accepted…
    assert.equal((await notesWith(await provider.signWithProviderKey(providerClaims('gina')))).status, 200);
    const refusedTokens: Record<string, string> = {
      'forged (another key, the provider’s kid)': await forged(provider.activeKid),
      expired: await provider.signWithProviderKey(providerClaims('gina', { iat: now() - 3600, exp: now() - 120 })),
      'not yet valid (nbf)': await provider.signWithProviderKey(providerClaims('gina', { nbf: now() + 600 })),
      'issued in the future': await provider.signWithProviderKey(providerClaims('gina', { iat: now() + 600, exp: now() + 900 })),
      'without exp': await provider.signWithProviderKey({ iss: provider.issuer, aud: API_AUDIENCE, sub: 'gina', iat: now() }),
      'wrong audience (the provider’s other API)': (await provider.userTokens('gina', OTHER_AUDIENCE)).accessToken,
      'wrong issuer': await provider.signWithProviderKey(providerClaims('gina', { iss: 'https://idp.attacker.example' })),
      'a logout token': await provider.signWithProviderKey(providerClaims('gina'), { typ: 'logout+jwt' }),
      'an ID token': (await provider.userTokens('gina')).idToken,
      'DPoP-bound (cnf.jkt) presented as bearer': await provider.signWithProviderKey(
        providerClaims('gina', { cnf: { jkt: 'x'.repeat(43) } }),
      ),
      'certificate-bound (cnf x5t#S256, mTLS), which cannot be verified here': await provider.signWithProviderKey(
        providerClaims('gina', { cnf: { 'x5t#S256': 'x'.repeat(43) } }),
      ),
      'bound to a DPoP key and a certificate at once': await provider.signWithProviderKey(
        providerClaims('gina', { cnf: { jkt: 'x'.repeat(43), 'x5t#S256': 'x'.repeat(43) } }),
      ),
    };
    const genuine = (await provider.userTokens('gina')).accessToken;
    const [header, payload, signature] = genuine.split('.');
    const tampered = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    refusedTokens['a genuine token with its sub changed'] = [
      header,
      Buffer.from(JSON.stringify({ ...tampered, sub: 'carol' })).toString('base64url'),
      signature,
    ].join('.');
    for (const [name, token] of Object.entries(refusedTokens)) {
      const res = await notesWith(token);
      assert.equal(res.status, 401, name);
      assert.match(res.headers['www-authenticate']!, /error="invalid_token"/, name);
    }
    // …and the generic `typ: JWT` of Keycloak and Entra ID says nothing, so it is left to `aud`.
    assert.equal((await notesWith(await provider.signWithProviderKey(providerClaims('gina'), { typ: 'JWT' }))).status, 200);
  });

  describe('DPoP-bound provider tokens (cnf.jkt), held to the same rules as ours', () => {
    const NOTES = '/api/v1/notes';
    const withDpop = (token: string, proof: string | undefined, path = NOTES) => {
      const req = t.http.get(path).set('Authorization', `DPoP ${token}`);
      return proof === undefined ? req : req.set('DPoP', proof);
    };
    const proofFor = (key: DpopClient, accessToken: string, htm = 'GET', path = NOTES) =>
      key.proof({ htm, htu: `${ORIGIN}${path}`, accessToken });
    const assertRefused = (res: { status: number; headers: Record<string, string> }, challenge: RegExp, name: string) => {
      assert.equal(res.status, 401, name);
      assert.match(String(res.headers['www-authenticate']), challenge, name);
    };
    const PROOF_REFUSED = /^DPoP error="invalid_dpop_proof", algs="[^"]*ES256[^"]*"$/;

    it('accepts a DPoP-bound provider token with a fresh proof of its key, and refuses it as Bearer', async () => {
      const key = await DpopClient.generate();
      const token = await provider.clientTokenWithDpop('notes:read', key, provider.dpopMachine);
      const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
      assert.deepEqual(claims.cnf, { jkt: key.jkt }, 'the provider bound the token to the key');
      // As Bearer (a stolen token, or a downgrade): the RFC 9449 §7.2 challenge, and no account provisioned.
      const asBearer = await notesWith(token);
      assertRefused(asBearer, /^Bearer realm="api", error="invalid_token", DPoP algs="[^"]*ES256[^"]*"$/, 'as Bearer');
      assertRefused(await withDpop(token, undefined), PROOF_REFUSED, 'DPoP scheme without a proof');
      assert.equal((await identities(provider.dpopMachine.clientId)).length, 0, 'a refused token provisions nothing');
      for (let i = 0; i < 2; i++) {
        const res = await withDpop(token, await proofFor(key, token));
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
      const [identity] = await identities(provider.dpopMachine.clientId);
      assert.equal(identity!.kind, 'client');
    });

    it('refuses a DPoP-bound provider token with a proof signed by another key, or made for another URL or method', async () => {
      const key = await DpopClient.generate();
      const token = await provider.clientTokenWithDpop('notes:read', key, provider.dpopMachine);
      const thief = await DpopClient.generate();
      const refusals: Record<string, string> = {
        'signed by another key': await proofFor(thief, token),
        'signed by another key naming the bound key': await thief.proof({
          htm: 'GET',
          htu: `${ORIGIN}${NOTES}`,
          accessToken: token,
          header: { jwk: key.publicJwk },
        }),
        'for another URL': await proofFor(key, token, 'GET', '/api/v1/auth/me'),
        'for another origin': await key.proof({ htm: 'GET', htu: `https://other.example.test${NOTES}`, accessToken: token }),
        'for another method': await proofFor(key, token, 'POST'),
        'hashing another token (ath)': await proofFor(
          key,
          await provider.clientTokenWithDpop('notes:read', key, provider.dpopMachine),
        ),
      };
      for (const [name, proof] of Object.entries(refusals)) assertRefused(await withDpop(token, proof), PROOF_REFUSED, name);
      // The control: the right proof passes.
      assert.equal((await withDpop(token, await proofFor(key, token))).status, 200);
    });

    it('refuses a replayed proof with a DPoP-bound provider token', async () => {
      const key = await DpopClient.generate();
      const token = await provider.clientTokenWithDpop('notes:read', key, provider.dpopMachine);
      const proof = await proofFor(key, token);
      assert.equal((await withDpop(token, proof)).status, 200);
      assertRefused(await withDpop(token, proof), PROOF_REFUSED, 'the same proof again');
    });

    it('refuses an unbound provider token under the DPoP scheme, with or without a proof', async () => {
      const key = await DpopClient.generate();
      const token = await provider.clientToken('notes:read');
      assert.equal((await notesWith(token)).status, 200, 'the control: as Bearer it is accepted');
      const unbound = /^DPoP error="invalid_token", algs="[^"]*ES256[^"]*"$/;
      assertRefused(await withDpop(token, undefined), unbound, 'without a proof');
      assertRefused(await withDpop(token, await proofFor(key, token)), unbound, 'with a proof of some key');
    });
  });

  it('refuses an algorithm outside OIDC_ALGORITHMS before looking for a key', async () => {
    await sleep(COOLDOWN_MS + 100);
    const fetchesBefore = provider.jwksRequests;
    try {
      provider.signing = { alg: 'PS256' };
      const ps256 = (await provider.userTokens('hank')).accessToken;
      provider.signing = { alg: 'HS256', key: randomBytes(32) };
      const hs256 = (await provider.userTokens('hank')).accessToken;
      for (const [alg, token] of [
        ['PS256', ps256],
        ['HS256', hs256],
      ] as const) {
        assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, alg);
        assert.equal((await notesWith(token)).status, 401, alg);
      }
    } finally {
      provider.signing = { alg: 'RS256' };
    }
    assert.equal(provider.jwksRequests, fetchesBefore, 'no key fetch for a refused algorithm');
  });

  it('an unknown kid costs at most one key fetch per cooldown, even in a flood', async () => {
    const junk = await Promise.all(Array.from({ length: 40 }, () => forged(randomBytes(8).toString('hex'))));
    await sleep(COOLDOWN_MS + 100);
    const before = provider.jwksRequests;
    const burstStarted = Date.now();
    const burst = await Promise.all(junk.map((token) => notesWith(token)));
    const burstIntervals = Math.floor((Date.now() - burstStarted) / COOLDOWN_MS) + 1;
    assert.ok(burst.every((res) => res.status === 401));
    const burstFetches = provider.jwksRequests - before;
    assert.ok(burstFetches >= 1, 'an unknown kid is worth one look (the provider may have rotated)');
    assert.ok(
      burstFetches <= burstIntervals,
      `a burst of 40 unknown kids cost ${burstFetches} fetches in ${burstIntervals} intervals`,
    );
    const started = Date.now();
    const afterBurst = provider.jwksRequests;
    let sent = 0;
    while (Date.now() - started < 2.5 * COOLDOWN_MS) {
      assert.equal((await notesWith(await forged(randomBytes(8).toString('hex')))).status, 401);
      sent += 1;
    }
    const intervals = Math.floor((Date.now() - started) / COOLDOWN_MS) + 1;
    assert.ok(sent > 20, `sent ${sent}`);
    assert.ok(
      provider.jwksRequests - afterBurst <= intervals,
      `${sent} unknown kids cost ${provider.jwksRequests - afterBurst} fetches`,
    );
  });

  it('keeps the provider’s keys as long as its Cache-Control allows, then fetches them again', async () => {
    provider.jwksCacheControl = 'public, max-age=2';
    try {
      const token = (await provider.userTokens('max')).accessToken;
      await sleep(COOLDOWN_MS + 100);
      // An unknown kid: the keys are fetched again, now with the new caching rule.
      const before = provider.jwksRequests;
      assert.equal((await notesWith(await forged(randomBytes(8).toString('hex')))).status, 401);
      assert.equal(provider.jwksRequests, before + 1);
      assert.equal((await notesWith(token)).status, 200);
      assert.equal(provider.jwksRequests, before + 1, 'fresh keys: no fetch');
      await sleep(2100);
      assert.equal((await notesWith(token)).status, 200);
      assert.equal(provider.jwksRequests, before + 2, 'past max-age: fetched again');
    } finally {
      provider.jwksCacheControl = undefined;
    }
  });

  it('picks up a signing key rotated at the provider, and keeps accepting tokens of the previous key', async () => {
    const old = (await provider.userTokens('ivan')).accessToken;
    assert.equal((await notesWith(old)).status, 200);
    const oldKid = provider.activeKid;
    await provider.rotateKey();
    assert.notEqual(provider.activeKid, oldKid);
    await sleep(COOLDOWN_MS + 100);
    const rotated = (await provider.userTokens('ivan')).accessToken;
    assert.equal(JSON.parse(Buffer.from(rotated.split('.')[0]!, 'base64url').toString()).kid, provider.activeKid);
    assert.equal((await notesWith(rotated)).status, 200);
    assert.equal((await notesWith(old)).status, 200);
  });

  it('keeps verifying with cached keys, even expired ones, while the provider is down, and /health/ready says it is unreachable', async () => {
    const token = (await provider.userTokens('judy')).accessToken;
    assert.equal((await notesWith(token)).status, 200);
    // The keys are fetched again with a short lifetime, then the provider goes away.
    provider.jwksCacheControl = 'max-age=2';
    await sleep(COOLDOWN_MS + 100);
    assert.equal((await notesWith(await forged(randomBytes(8).toString('hex')))).status, 401);
    provider.jwksCacheControl = undefined;
    await provider.stop();
    try {
      await sleep(2100);
      // Past max-age: a refresh is tried, fails, and the keys held keep verifying (stale-if-error).
      const fetchesBefore = provider.jwksRequests;
      assert.equal((await notesWith(token)).status, 200);
      assert.equal(provider.jwksRequests, fetchesBefore, 'the provider is down: nothing reached it');
      const ready = await t.http.get('/health/ready');
      assert.equal(ready.status, 200);
      assert.deepEqual(ready.body.details.oidcProvider, { status: 'up', keys: 'stale', provider: 'unreachable' });
      // Still refused: tokens the cached keys cannot verify.
      assert.equal((await notesWith(await forged(provider.activeKid))).status, 401);
    } finally {
      await provider.resume();
    }
  });

  it('fails closed with 401 when the provider is unreachable and no key is cached, and recovers when it is back', async () => {
    const token = (await provider.userTokens('kate')).accessToken;
    await provider.stop();
    // A fresh instance (on the same database) that never fetched the provider's keys.
    const fresh = await startTestApp(oidcEnv(provider), {}, t.db);
    try {
      assert.equal((await fresh.http.get('/api/v1/notes').set(...bearer(token))).status, 401);
      assert.equal((await fresh.http.get('/health/ready')).status, 503);
      await provider.resume();
      await sleep(COOLDOWN_MS + 100);
      assert.equal((await fresh.http.get('/api/v1/notes').set(...bearer(token))).status, 200);
      const ready = await fresh.http.get('/health/ready');
      assert.equal(ready.status, 200);
      assert.equal(ready.body.details.oidcProvider.provider, 'reachable');
    } finally {
      await fresh.app.close();
      if (!provider['server'].listening) await provider.resume();
    }
  });

  it('keys accounts by issuer and subject: the same sub and email at two providers are two users', async () => {
    const second = await OidcTestProvider.start();
    const email = 'same-person@example.com';
    provider.emails.set('lena', email);
    second.emails.set('lena', email);
    const other = await startTestApp(oidcEnv(second), {}, t.db);
    try {
      assert.equal((await notesWith((await provider.userTokens('lena')).accessToken)).status, 200);
      const atSecond = (await second.userTokens('lena')).accessToken;
      assert.equal((await other.http.get('/api/v1/notes').set(...bearer(atSecond))).status, 200);
      // The first instance trusts only its own provider.
      assert.equal((await notesWith(atSecond)).status, 401);
      const rows = await identities('lena');
      assert.deepEqual(rows.map((row) => row.issuer).sort(), [provider.issuer, second.issuer].sort());
      assert.notEqual(rows[0]!.user_id, rows[1]!.user_id);
    } finally {
      await other.app.close();
      await second.close();
    }
  });
});
