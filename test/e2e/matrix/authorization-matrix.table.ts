/**
 * The authorization matrix: one row per route (OpenAPI path), one column per actor, the expected
 * status. The e2e suite runs every cell against the live app, fails when a route has no row,
 * and checks that docs/authorization.md shows exactly this table. Proof of BOLA / BFLA / BOPLA
 * protection (OWASP API1, API3, API5:2023).
 *
 * owner: owns the note under test; reader: the note is shared with them; stranger: another user;
 * auditor, admin: users with those roles who neither own nor share the note.
 */
export const ACTORS = ['anonymous', 'owner', 'reader', 'stranger', 'auditor', 'admin'] as const;
export type Actor = (typeof ACTORS)[number];
export type Expectations = Readonly<Record<Actor, number>>;

const every = (status: number, anonymous = status): Expectations => ({
  anonymous,
  owner: status,
  reader: status,
  stranger: status,
  auditor: status,
  admin: status,
});

export const MATRIX: Readonly<Record<string, Expectations>> = {
  'GET /health/live': every(200),
  'GET /health/ready': every(200),
  'GET /.well-known/jwks.json': every(200),
  'POST /api/v1/auth/register': every(201),
  'POST /api/v1/auth/login': every(200),
  'POST /api/v1/auth/refresh': every(200),
  'POST /api/v1/auth/logout': every(204, 401),
  'GET /api/v1/auth/me': every(200, 401),
  'PATCH /api/v1/auth/me': every(200, 401),
  'POST /api/v1/auth/change-password': every(204, 401),
  'GET /api/v1/users': { anonymous: 401, owner: 403, reader: 403, stranger: 403, auditor: 403, admin: 200 },
  'GET /api/v1/users/{id}': { anonymous: 401, owner: 403, reader: 403, stranger: 403, auditor: 403, admin: 200 },
  'PATCH /api/v1/users/{id}': { anonymous: 401, owner: 403, reader: 403, stranger: 403, auditor: 403, admin: 200 },
  'POST /api/v1/notes': every(201, 401),
  'GET /api/v1/notes': every(200, 401),
  'GET /api/v1/notes/{id}': { anonymous: 401, owner: 200, reader: 200, stranger: 404, auditor: 404, admin: 404 },
  'PATCH /api/v1/notes/{id}': { anonymous: 401, owner: 200, reader: 403, stranger: 404, auditor: 404, admin: 404 },
  'DELETE /api/v1/notes/{id}': { anonymous: 401, owner: 204, reader: 403, stranger: 404, auditor: 404, admin: 204 },
  'POST /api/v1/notes/{id}/shares': { anonymous: 401, owner: 204, reader: 403, stranger: 404, auditor: 404, admin: 404 },
  'DELETE /api/v1/notes/{id}/shares/{userId}': {
    anonymous: 401,
    owner: 204,
    reader: 403,
    stranger: 404,
    auditor: 404,
    admin: 404,
  },
};
