import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../src/http/openapi.js';
import { registerUser, strongPassword } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ACTORS, MATRIX } from './matrix/authorization-matrix.table.js';
import { REQUESTS, runCell, type MatrixContext, type Participant } from './matrix/matrix-requests.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

describe('authorization matrix (BOLA / BFLA / BOPLA)', () => {
  let t: TestApp;
  let ctx: MatrixContext;

  before(async () => {
    const adminPassword = strongPassword();
    t = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: 'matrix-admin@example.com', BOOTSTRAP_ADMIN_PASSWORD: adminPassword });
    const person = async (name: string): Promise<Participant> => ({ ...(await registerUser(t, name)) });
    const [owner, reader, stranger, auditor, loginTarget] = await Promise.all(
      ['owner', 'reader', 'stranger', 'auditor', 'target'].map(person),
    );
    const adminLogin = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'matrix-admin@example.com', password: adminPassword });
    const adminMe = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${adminLogin.body.accessToken}`);
    const promoted = await t.http
      .patch(`/api/v1/users/${auditor!.id}`)
      .set('Authorization', `Bearer ${adminLogin.body.accessToken}`)
      .send({ role: 'auditor' });
    assert.equal(promoted.status, 200);
    const admin: Participant = { id: adminMe.body.id, email: 'matrix-admin@example.com', password: adminPassword };
    const keyOf = async (person: Participant, scope: string): Promise<string> => {
      const login = await t.http.post('/api/v1/auth/login').send({ email: person.email, password: person.password });
      const res = await t.http
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${login.body.accessToken}`)
        .send({ name: scope, scopes: [scope] });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.key as string;
    };
    const keys = {
      'key:notes:read': await keyOf(owner!, 'notes:read'),
      'key:notes:write': await keyOf(owner!, 'notes:write'),
      'key:audit:read': await keyOf(auditor!, 'audit:read'),
      'key:metrics:read': await keyOf(admin, 'metrics:read'),
    };
    ctx = {
      t,
      keys,
      people: { owner: owner!, reader: reader!, stranger: stranger!, auditor: auditor!, admin },
      loginTarget: loginTarget!,
    };
  });
  after(async () => t.close());

  it('has a row for every route of the OpenAPI document, and no row for a route that does not exist', () => {
    const document = buildOpenApiDocument(t.app);
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    assert.deepEqual([...routes].sort(), Object.keys(MATRIX).sort());
    assert.deepEqual(Object.keys(REQUESTS).sort(), Object.keys(MATRIX).sort());
  });

  for (const [route, expected] of Object.entries(MATRIX)) {
    it(`${route}`, async () => {
      const actual: Record<string, number> = {};
      for (const actor of ACTORS) actual[actor] = await runCell(ctx, route, actor);
      assert.deepEqual(actual, { ...expected });
    });
  }

  it('is the table shown in docs/authorization.md', () => {
    const doc = readFileSync(resolve(repoRoot, 'docs/authorization.md'), 'utf8');
    const rows = [...doc.matchAll(new RegExp(`^\\| \`([A-Z]+ [^\`]+)\` +\\|((?: +\\d{3} +\\|){${ACTORS.length}})$`, 'gm'))].map(
      (match) => [
        match[1]!,
        match[2]!
          .split('|')
          .map((cell) => Number(cell.trim()))
          .filter(Boolean),
      ],
    );
    const expected = Object.entries(MATRIX).map(([route, statuses]) => [route, ACTORS.map((actor) => statuses[actor])]);
    assert.deepEqual(rows, expected, 'docs/authorization.md matrix differs from the test table');
  });
});
