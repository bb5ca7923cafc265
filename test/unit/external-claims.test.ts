import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OidcConfig } from '../../src/config/oidc-config.js';
import { externalCallerOf, roleOf, scopesOf } from '../../src/oidc/external-claims.js';

const config = (rolesClaim = 'roles'): OidcConfig => ({
  issuer: 'https://idp.example.com',
  audience: 'https://api.example.com',
  rolesClaim,
  roleMap: new Map([
    ['api-admin', 'admin'],
    ['api-auditor', 'auditor'],
  ]),
  algorithms: ['RS256'],
  jwksCooldownSeconds: 30,
});

describe('reading a verified provider token (src/oidc/external-claims.ts)', () => {
  it('maps provider roles: admin wins, then auditor, anyone else is user', () => {
    assert.equal(roleOf({ roles: ['api-auditor', 'api-admin'] }, config()), 'admin');
    assert.equal(roleOf({ roles: ['api-auditor', 'other'] }, config()), 'auditor');
    assert.equal(roleOf({ roles: 'api-auditor' }, config()), 'auditor');
    assert.equal(roleOf({ roles: ['other'] }, config()), 'user');
    assert.equal(roleOf({ roles: { 'api-admin': true } }, config()), 'user', 'an object is not a list of roles');
    assert.equal(roleOf({}, config()), 'user');
  });

  it('follows a dot path (Keycloak) and prefers a claim named with dots as written (Auth0 namespaces)', () => {
    assert.equal(roleOf({ realm_access: { roles: ['api-admin'] } }, config('realm_access.roles')), 'admin');
    const namespaced = 'https://example.com/roles';
    assert.equal(roleOf({ [namespaced]: ['api-auditor'] }, config(namespaced)), 'auditor');
    assert.equal(roleOf({ realm_access: ['api-admin'] }, config('realm_access.roles')), 'user');
  });

  it('keeps only the scopes this API defines, from scope (a string) or scp (a string or a list)', () => {
    assert.deepEqual(scopesOf({ scope: 'openid notes:read billing:admin audit:read' }), ['notes:read', 'audit:read']);
    assert.deepEqual(scopesOf({ scp: 'notes:write' }), ['notes:write']);
    assert.deepEqual(scopesOf({ scp: ['metrics:read', 'x'] }), ['metrics:read']);
    assert.deepEqual(scopesOf({ scope: 'notes:readnotes:write' }), []);
    assert.deepEqual(scopesOf({}), []);
  });

  it('tells machine clients from users by the markers providers use', () => {
    const kind = (claims: Record<string, unknown>) => externalCallerOf({ sub: 'abc', ...claims }, config())?.kind;
    assert.equal(kind({ client_id: 'abc' }), 'client', 'RFC 9068: sub is the client id');
    assert.equal(kind({ sub: 'robot@clients', azp: 'robot', gty: 'client-credentials' }), 'client', 'Auth0');
    assert.equal(kind({ azp: 'robot', idtyp: 'app' }), 'client', 'Entra ID');
    assert.equal(kind({ azp: 'robot', preferred_username: 'service-account-robot' }), 'client', 'Keycloak');
    assert.equal(kind({ client_id: 'web-app' }), 'user', 'a user signed in through a client');
    assert.equal(kind({ gty: 'client-credentials' }), 'user', 'no client id: not a client');
    assert.equal(externalCallerOf({ client_id: 'x' }, config()), undefined, 'no sub');
    assert.equal(externalCallerOf({ sub: 'x'.repeat(256) }, config()), undefined, 'a sub longer than stored');
  });
});
