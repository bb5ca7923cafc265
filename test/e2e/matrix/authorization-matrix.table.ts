/**
 * The authorization matrix: one row per route (OpenAPI path), one column per actor, the expected
 * status. The e2e suite runs every cell against the live app and fails when a route has no row;
 * `npm run docs:matrix` renders this table into docs/authorization.md (checked by
 * test/unit/authorization-matrix-docs.test.ts). Proof of BOLA / BFLA / BOPLA
 * protection (OWASP API1, API3, API5:2023).
 *
 * owner: owns the note (or API key) under test; reader: the note is shared with them; stranger:
 * another user; auditor, admin: users with those roles who neither own nor share the object.
 * key:<scope>: an API key holding only that scope, owned by the owner (notes scopes), the
 * auditor (audit:read) or the admin (metrics:read): a key acts as its owner, within its scope.
 * external:user: a user of the external OpenID provider (docs/oauth-oidc.md) with no mapped role, who
 * neither owns nor shares the object; external:client: a machine client of that provider granted
 * notes:read and notes:write, acting as its own account (it owns nothing of the owner's).
 */
export const USER_ACTORS = ['owner', 'reader', 'stranger', 'auditor', 'admin'] as const;
export const KEY_ACTORS = ['key:notes:read', 'key:notes:write', 'key:audit:read', 'key:metrics:read'] as const;
export const EXTERNAL_ACTORS = ['external:user', 'external:client'] as const;
export const ACTORS = ['anonymous', ...USER_ACTORS, ...KEY_ACTORS, ...EXTERNAL_ACTORS] as const;
export type Actor = (typeof ACTORS)[number];
export type UserActor = (typeof USER_ACTORS)[number];
export type KeyActor = (typeof KEY_ACTORS)[number];
export type ExternalActor = (typeof EXTERNAL_ACTORS)[number];
export type Expectations = Readonly<Record<Actor, number>>;
/** A row before the external actors' cells are added (see EXTERNAL below). */
type BaseExpectations = Omit<Expectations, ExternalActor>;

const keys = (status: number) => ({
  'key:notes:read': status,
  'key:notes:write': status,
  'key:audit:read': status,
  'key:metrics:read': status,
});

/** Same status for every user; keys get `key` (public routes ignore keys, others refuse them). */
const every = (status: number, anonymous = status, key = anonymous === status ? status : 403): BaseExpectations => ({
  anonymous,
  owner: status,
  reader: status,
  stranger: status,
  auditor: status,
  admin: status,
  ...keys(key),
});

const adminOnly: BaseExpectations = {
  anonymous: 401,
  owner: 403,
  reader: 403,
  stranger: 403,
  auditor: 403,
  admin: 200,
  ...keys(403),
};
const ownerOnly = (status: number, others: number): BaseExpectations => ({
  anonymous: 401,
  owner: status,
  reader: others,
  stranger: others,
  auditor: others,
  admin: others,
  ...keys(403),
});
const withKeys = (
  expectations: Omit<BaseExpectations, KeyActor>,
  granted: Partial<Record<KeyActor, number>>,
): BaseExpectations => ({
  ...expectations,
  ...keys(403),
  ...granted,
});

/** Auditors and admins, and keys with audit:read (docs/http-contract.md#audit-events). */
const auditorsOnly: BaseExpectations = withKeys(
  { anonymous: 401, owner: 403, reader: 403, stranger: 403, auditor: 200, admin: 200 },
  { 'key:audit:read': 200 },
);

const BASE: Readonly<Record<string, BaseExpectations>> = {
  'GET /health/live': every(200),
  'GET /health/ready': every(200),
  'GET /.well-known/jwks.json': every(200),
  'GET /.well-known/oauth-authorization-server': every(200),
  'POST /api/v1/auth/register': every(201),
  'POST /api/v1/auth/login': every(200),
  'POST /api/v1/auth/refresh': every(200),
  'POST /api/v1/auth/logout': every(204, 401),
  'GET /api/v1/auth/me': every(200, 401),
  'PATCH /api/v1/auth/me': every(200, 401),
  'POST /api/v1/auth/change-password': every(204, 401),
  'POST /api/v1/auth/password-reset/request': every(202),
  'POST /api/v1/auth/password-reset/confirm': every(204),
  'POST /api/v1/auth/verify-email': every(204),
  'POST /api/v1/auth/verify-email/resend': every(202),
  // Users reach their own enrolment; the admin already has a factor (the default MFA_REQUIRED_ROLES enrolled it): 409.
  'POST /api/v1/auth/mfa/totp/setup': withKeys(
    { anonymous: 401, owner: 200, reader: 200, stranger: 200, auditor: 200, admin: 409 },
    {},
  ),
  'POST /api/v1/auth/mfa/totp/confirm': withKeys(
    { anonymous: 401, owner: 400, reader: 400, stranger: 400, auditor: 400, admin: 409 },
    {},
  ),
  'DELETE /api/v1/auth/mfa/totp': withKeys(
    { anonymous: 401, owner: 409, reader: 409, stranger: 409, auditor: 409, admin: 400 },
    {},
  ),
  'POST /api/v1/auth/mfa/verify': every(200),
  'POST /api/v1/auth/reauthenticate': every(200, 401),
  'DELETE /api/v1/users/{id}/mfa': { ...adminOnly, admin: 204 },
  'GET /api/v1/auth/sessions': every(200, 401),
  // The owner's session; anyone else's answer is the same as for an unknown id.
  'DELETE /api/v1/auth/sessions/{id}': ownerOnly(204, 404),
  'GET /api/v1/users': adminOnly,
  'GET /api/v1/users/{id}': adminOnly,
  'PATCH /api/v1/users/{id}': adminOnly,
  'DELETE /api/v1/users/{id}/sessions': { ...adminOnly, admin: 204 },
  'POST /api/v1/notes': withKeys(every(201, 401), { 'key:notes:write': 201 }),
  'GET /api/v1/notes': withKeys(every(200, 401), { 'key:notes:read': 200 }),
  'GET /api/v1/notes/{id}': withKeys(
    { anonymous: 401, owner: 200, reader: 200, stranger: 404, auditor: 404, admin: 404 },
    { 'key:notes:read': 200 },
  ),
  'PATCH /api/v1/notes/{id}': withKeys(
    { anonymous: 401, owner: 200, reader: 403, stranger: 404, auditor: 404, admin: 404 },
    { 'key:notes:write': 200 },
  ),
  'DELETE /api/v1/notes/{id}': withKeys({ anonymous: 401, owner: 204, reader: 403, stranger: 404, auditor: 404, admin: 204 }, {}),
  'POST /api/v1/notes/{id}/shares': withKeys(
    { anonymous: 401, owner: 204, reader: 403, stranger: 404, auditor: 404, admin: 404 },
    {},
  ),
  'DELETE /api/v1/notes/{id}/shares/{userId}': withKeys(
    { anonymous: 401, owner: 204, reader: 403, stranger: 404, auditor: 404, admin: 404 },
    {},
  ),
  'POST /api/v1/api-keys': every(201, 401),
  'GET /api/v1/api-keys': every(200, 401),
  'GET /api/v1/api-keys/{id}': ownerOnly(200, 404),
  'POST /api/v1/api-keys/{id}/rotate': ownerOnly(201, 404),
  'DELETE /api/v1/api-keys/{id}': ownerOnly(204, 404),
  'GET /metrics': withKeys(every(403, 401), { 'key:metrics:read': 200 }),
  'GET /api/v1/audit-events': auditorsOnly,
  'GET /api/v1/audit-events/verify': auditorsOnly,
  'GET /api/v1/security-events': auditorsOnly,
  // generate:resource rows
};

/**
 * [external:user, external:client] per route. The provider's user is a bearer user without local
 * session, password or keys (those routes answer 403); its client is authorized like an API key.
 */
const EXTERNAL: Readonly<Record<string, readonly [number, number]>> = {
  'GET /health/live': [200, 200],
  'GET /health/ready': [200, 200],
  'GET /.well-known/jwks.json': [200, 200],
  'GET /.well-known/oauth-authorization-server': [200, 200],
  'POST /api/v1/auth/register': [201, 201],
  'POST /api/v1/auth/login': [200, 200],
  'POST /api/v1/auth/refresh': [200, 200],
  'POST /api/v1/auth/password-reset/request': [202, 202],
  'POST /api/v1/auth/password-reset/confirm': [204, 204],
  'POST /api/v1/auth/verify-email': [204, 204],
  'POST /api/v1/auth/verify-email/resend': [202, 202],
  'POST /api/v1/auth/logout': [403, 403],
  'GET /api/v1/auth/me': [403, 403],
  'PATCH /api/v1/auth/me': [403, 403],
  'POST /api/v1/auth/change-password': [403, 403],
  'GET /api/v1/users': [403, 403],
  'GET /api/v1/users/{id}': [403, 403],
  'PATCH /api/v1/users/{id}': [403, 403],
  // Second factors, re-authentication and sessions of a provider account live at the provider.
  'POST /api/v1/auth/mfa/totp/setup': [403, 403],
  'POST /api/v1/auth/mfa/totp/confirm': [403, 403],
  'DELETE /api/v1/auth/mfa/totp': [403, 403],
  'POST /api/v1/auth/mfa/verify': [200, 200],
  'POST /api/v1/auth/reauthenticate': [403, 403],
  'DELETE /api/v1/users/{id}/mfa': [403, 403],
  'GET /api/v1/auth/sessions': [403, 403],
  'DELETE /api/v1/auth/sessions/{id}': [403, 403],
  'DELETE /api/v1/users/{id}/sessions': [403, 403],
  'POST /api/v1/notes': [201, 201],
  'GET /api/v1/notes': [200, 200],
  'GET /api/v1/notes/{id}': [404, 404],
  'PATCH /api/v1/notes/{id}': [404, 404],
  'DELETE /api/v1/notes/{id}': [404, 403],
  'POST /api/v1/notes/{id}/shares': [404, 403],
  'DELETE /api/v1/notes/{id}/shares/{userId}': [404, 403],
  'POST /api/v1/api-keys': [403, 403],
  'GET /api/v1/api-keys': [403, 403],
  'GET /api/v1/api-keys/{id}': [403, 403],
  'POST /api/v1/api-keys/{id}/rotate': [403, 403],
  'DELETE /api/v1/api-keys/{id}': [403, 403],
  'GET /metrics': [403, 403],
  'GET /api/v1/audit-events': [403, 403],
  'GET /api/v1/audit-events/verify': [403, 403],
  'GET /api/v1/security-events': [403, 403],
  // generate:resource external
};

export const MATRIX: Readonly<Record<string, Expectations>> = Object.fromEntries(
  Object.entries(BASE).map(([route, expectations]) => {
    const external = EXTERNAL[route];
    if (external === undefined)
      throw new Error(`authorization matrix: ${route} has no EXTERNAL entry (external:user, external:client)`);
    return [route, { ...expectations, 'external:user': external[0], 'external:client': external[1] }];
  }),
);
