import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '../../src/config/config-error.js';
import { loadConfig } from '../../src/config/load-config.js';
import { generateSecrets } from '../../src/config/secret-generator.js';

const production = (extra: Record<string, string>) => ({
  NODE_ENV: 'production',
  JWT_ISSUER: 'https://issuer.test',
  JWT_AUDIENCE: 'https://api.test',
  ...generateSecrets(),
  ...extra,
});
const provider = { OIDC_ISSUER: 'https://idp.example.com/realms/acme', OIDC_AUDIENCE: 'https://api.example.com' };

function assertConfigError(fn: () => unknown, variable: string, reason?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.variable, variable);
    if (reason) assert.match(error.message, reason);
    return true;
  });
}

describe('OIDC_* configuration (external OpenID provider)', () => {
  it('is off unless OIDC_ISSUER is set, and applies the documented defaults', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test' }).oidc, undefined);
    const oidc = loadConfig(production(provider)).oidc!;
    assert.equal(oidc.issuer, provider.OIDC_ISSUER);
    assert.equal(oidc.audience, provider.OIDC_AUDIENCE);
    assert.equal(oidc.rolesClaim, 'roles');
    assert.deepEqual([...oidc.roleMap], []);
    assert.deepEqual(oidc.algorithms, ['RS256', 'PS256', 'ES256', 'EdDSA']);
    assert.equal(oidc.jwksCooldownSeconds, 30);
  });

  it('parses the role map, the roles claim path and the algorithms', () => {
    const oidc = loadConfig(
      production({
        ...provider,
        OIDC_ROLES_CLAIM: 'realm_access.roles',
        OIDC_ROLE_MAP: 'admin=api-admin, auditor=api-auditor, admin=ops',
        OIDC_ALGORITHMS: 'ES256,RS256',
      }),
    ).oidc!;
    assert.equal(oidc.rolesClaim, 'realm_access.roles');
    assert.deepEqual(Object.fromEntries(oidc.roleMap), { 'api-admin': 'admin', 'api-auditor': 'auditor', ops: 'admin' });
    assert.deepEqual(oidc.algorithms, ['ES256', 'RS256']);
  });

  it('refuses a partial configuration instead of ignoring it', () => {
    assertConfigError(() => loadConfig(production({ OIDC_AUDIENCE: 'https://api.example.com' })), 'OIDC_AUDIENCE', /OIDC_ISSUER/);
    assertConfigError(() => loadConfig(production({ OIDC_ROLE_MAP: 'admin=x' })), 'OIDC_ROLE_MAP');
    assertConfigError(() => loadConfig(production({ OIDC_ISSUER: provider.OIDC_ISSUER })), 'OIDC_AUDIENCE', /required/);
  });

  it('refuses an issuer that is not https in production, or not a plain URL, or our own issuer', () => {
    assertConfigError(
      () => loadConfig(production({ ...provider, OIDC_ISSUER: 'http://idp.example.com' })),
      'OIDC_ISSUER',
      /https/,
    );
    assert.equal(
      loadConfig({ NODE_ENV: 'test', ...provider, OIDC_ISSUER: 'http://127.0.0.1:8080' }).oidc?.issuer,
      'http://127.0.0.1:8080',
    );
    for (const issuer of [
      'idp.example.com',
      'ftp://idp.example.com',
      'https://idp.example.com/?tenant=1',
      'https://u:p@idp.example.com',
    ])
      assertConfigError(() => loadConfig(production({ ...provider, OIDC_ISSUER: issuer })), 'OIDC_ISSUER');
    assertConfigError(
      () => loadConfig(production({ ...provider, OIDC_ISSUER: 'https://issuer.test' })),
      'OIDC_ISSUER',
      /JWT_ISSUER/,
    );
  });

  it('refuses none, HMAC and unknown algorithms, and an empty list', () => {
    for (const algorithms of ['none', 'HS256', 'RS256,HS512', 'rs256', 'A128KW', ','])
      assertConfigError(() => loadConfig(production({ ...provider, OIDC_ALGORITHMS: algorithms })), 'OIDC_ALGORITHMS');
  });

  it('refuses malformed role maps and claim paths', () => {
    for (const map of ['admin', 'owner=x', 'user=x', 'admin=', '=x', 'admin=x,auditor=x'])
      assertConfigError(() => loadConfig(production({ ...provider, OIDC_ROLE_MAP: map })), 'OIDC_ROLE_MAP');
    for (const claim of ['realm_access..roles', '.roles', 'roles.', 'my roles'])
      assertConfigError(() => loadConfig(production({ ...provider, OIDC_ROLES_CLAIM: claim })), 'OIDC_ROLES_CLAIM');
    for (const cooldown of ['0', '-1', '3601', 'soon'])
      assertConfigError(
        () => loadConfig(production({ ...provider, OIDC_JWKS_COOLDOWN_SECONDS: cooldown })),
        'OIDC_JWKS_COOLDOWN_SECONDS',
      );
  });
});
