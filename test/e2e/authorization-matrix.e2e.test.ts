import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildOpenApiDocument } from '../../src/openapi/openapi.js';
import { login, registerUser, strongPassword } from '../support/identity.js';
import { enrolTotp, viaSupertest } from '../support/mfa.js';
import { API_AUDIENCE, OidcTestProvider } from '../support/oidc-test-provider.js';
import { OpenApiContract } from '../support/openapi-contract.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { ACTORS, MATRIX } from './matrix/authorization-matrix.table.js';
import { REQUESTS, runCell, type MatrixContext, type Participant } from './matrix/matrix-requests.js';

/** Fails naming each side's extras, e.g. "routes without a row: GET /api/v1/x, POST /api/v1/y (edit <file>)". */
function assertSameRoutes(expected: readonly string[], actual: readonly string[], labels: [string, string], file: string): void {
  const missing = expected.filter((route) => !actual.includes(route));
  const extra = actual.filter((route) => !expected.includes(route));
  const problems = [
    ...(missing.length > 0 ? [`${labels[0]}: ${missing.join(', ')}`] : []),
    ...(extra.length > 0 ? [`${labels[1]}: ${extra.join(', ')}`] : []),
  ];
  assert.ok(problems.length === 0, `${problems.join('; ')} (edit ${file})`);
}

describe('authorization matrix (BOLA / BFLA / BOPLA)', () => {
  let t: TestApp;
  let ctx: MatrixContext;
  let provider: OidcTestProvider;
  let contract: OpenApiContract;

  before(async () => {
    const adminPassword = strongPassword();
    // A real OpenID provider for the external:user and external:client columns (docs/oauth-oidc.md).
    provider = await OidcTestProvider.start();
    t = await startTestApp({
      BOOTSTRAP_ADMIN_EMAIL: 'matrix-admin@example.com',
      BOOTSTRAP_ADMIN_PASSWORD: adminPassword,
      OIDC_ISSUER: provider.issuer,
      OIDC_AUDIENCE: API_AUDIENCE,
    });
    const person = async (name: string): Promise<Participant> => ({ ...(await registerUser(t, name)) });
    const [owner, reader, stranger, auditor, loginTarget, mfaTarget] = await Promise.all(
      ['owner', 'reader', 'stranger', 'auditor', 'target', 'mfa-target'].map(person),
    );
    await enrolTotp(viaSupertest(t), mfaTarget!.email, await login(t, mfaTarget!));
    // The admin's first login enrols its second factor (MFA_REQUIRED_ROLES defaults to admin).
    const adminLogin = { body: await login(t, { email: 'matrix-admin@example.com', password: adminPassword }) };
    const adminMe = await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${adminLogin.body.accessToken}`);
    const promoted = await t.http
      .patch(`/api/v1/users/${auditor!.id}`)
      .set('Authorization', `Bearer ${adminLogin.body.accessToken}`)
      .send({ role: 'auditor' });
    assert.equal(promoted.status, 200);
    const admin: Participant = { id: adminMe.body.id, email: 'matrix-admin@example.com', password: adminPassword };
    const keyOf = async (person: Participant, scope: string): Promise<string> => {
      const { accessToken } = await login(t, person);
      const res = await t.http
        .post('/api/v1/api-keys')
        .set('Authorization', `Bearer ${accessToken}`)
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
    const external = {
      'external:user': (await provider.userTokens('matrix-external-user')).accessToken,
      'external:client': await provider.clientToken('notes:read notes:write'),
    };
    contract = new OpenApiContract(buildOpenApiDocument(t.app));
    ctx = {
      t,
      keys,
      external,
      people: { owner: owner!, reader: reader!, stranger: stranger!, auditor: auditor!, admin },
      loginTarget: loginTarget!,
      mfaTarget: mfaTarget!,
    };
  });
  after(async () => {
    await t?.close();
    await provider?.close();
  });

  it('has one row per route of the OpenAPI document', () => {
    const document = buildOpenApiDocument(t.app);
    const routes = Object.entries(document.paths).flatMap(([path, operations]) =>
      Object.keys(operations as object)
        .filter((method) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
        .map((method) => `${method.toUpperCase()} ${path}`),
    );
    // Name the difference rather than diff two 30-item lists: a fork adding a route sees which row is missing.
    assertSameRoutes(
      routes,
      Object.keys(MATRIX),
      ['routes without a row', 'rows without a route'],
      'test/e2e/matrix/authorization-matrix.table.ts',
    );
    assertSameRoutes(
      Object.keys(MATRIX),
      Object.keys(REQUESTS),
      ['rows without a request builder', 'request builders without a row'],
      'test/e2e/matrix/matrix-requests.ts',
    );
  });

  for (const [route, expected] of Object.entries(MATRIX)) {
    it(`${route}`, async () => {
      const actual: Record<string, number> = {};
      const undocumented: string[] = [];
      for (const actor of ACTORS) {
        const response = await runCell(ctx, route, actor);
        actual[actor] = response.status;
        // Each answer is also what the OpenAPI document promises for it (status, media type, schema).
        const body = { status: response.status, headers: response.headers, body: response.text ?? '' };
        undocumented.push(...contract.violations(route, body).map((violation) => `${actor}: ${violation}`));
      }
      assert.deepEqual(actual, { ...expected });
      assert.deepEqual(undocumented, [], 'responses that differ from the OpenAPI document');
    });
  }
});
