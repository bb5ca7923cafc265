import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { OpenAPIObject } from '@nestjs/swagger';
import { buildOpenApiDocument } from '../../src/openapi/openapi.js';
import { OpenApiContract } from '../support/openapi-contract.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

type Operation = {
  operationId?: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { $ref?: string; content?: Record<string, { schema?: unknown }> }>;
};

function operationsOf(document: OpenAPIObject): [string, Operation][] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item as Record<string, Operation>)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]): [string, Operation] => [`${method.toUpperCase()} ${path}`, operation]),
  );
}

const PROBLEM_NAMES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
  '429': 'TooManyRequests',
  '503': 'ServiceUnavailable',
};

describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: OpenAPIObject;
  let operations: [string, Operation][];

  before(async () => {
    t = await startTestApp();
    document = buildOpenApiDocument(t.app);
    operations = operationsOf(document);
  });
  after(async () => t.close());

  it('is OpenAPI 3.1 with a bearer (JWT) and an X-API-Key scheme', () => {
    assert.equal(document.openapi, '3.1.0');
    assert.deepEqual(document.components?.securitySchemes?.bearer, {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'An access token from POST /api/v1/auth/login.',
    });
    assert.deepEqual(
      { ...document.components?.securitySchemes?.apiKey, description: undefined },
      { type: 'apiKey', in: 'header', name: 'X-API-Key', description: undefined },
    );
  });

  it('gives every operation an id, a summary and one success response, with a body schema for 200 and 201 and none for 204', () => {
    const incomplete: string[] = [];
    for (const [key, operation] of operations) {
      const successes = Object.keys(operation.responses).filter((status) => status.startsWith('2'));
      if (!operation.operationId || !operation.summary) incomplete.push(`${key}: no operationId or summary`);
      if (successes.length !== 1) incomplete.push(`${key}: ${successes.length} success responses`);
      for (const status of successes) {
        const content = operation.responses[status]!.content;
        if (status === '204' && content !== undefined) incomplete.push(`${key}: a 204 with a body`);
        // A 202 says "accepted, nothing to show yet" (a mail queued): a body is optional, as in RFC 9110 §15.3.3.
        const needsBody = status !== '204' && status !== '202';
        if (needsBody && !Object.values(content ?? {}).some((media) => media.schema !== undefined)) {
          incomplete.push(`${key}: ${status} without a body schema (add @ApiOkResponse({ type: SomeView }))`);
        }
      }
    }
    assert.deepEqual(incomplete, []);
  });

  it('answers every error with the shared problem response, and documents the errors the pipeline gives each route', () => {
    const missing: string[] = [];
    for (const [key, operation] of operations) {
      const isPublic = operation.security?.length === 0;
      const skipsRateLimiting = key.startsWith('GET /health/');
      const expected = [
        '400',
        '413',
        '415',
        '503',
        ...(skipsRateLimiting ? [] : ['429']),
        ...(isPublic ? [] : ['401', '403']),
        ...(key.includes('{') ? ['404'] : []),
      ];
      for (const status of expected) if (!(status in operation.responses)) missing.push(`${key}: ${status}`);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (Number(status) >= 400 && response.$ref !== `#/components/responses/${PROBLEM_NAMES[status]}`) {
          missing.push(`${key}: ${status} is not the shared problem response`);
        }
      }
    }
    assert.deepEqual(missing, []);
    const problem = document.components?.schemas?.ProblemView as { required?: string[]; properties?: object };
    assert.deepEqual([...(problem.required ?? [])].sort(), ['detail', 'instance', 'requestId', 'status', 'title', 'type']);
    assert.ok(problem.properties && 'errors' in problem.properties);
  });

  it('derives each operation’s security from its access declaration, with the scopes that admit an API key', () => {
    const security = (key: string) => operations.find(([k]) => k === key)?.[1].security;
    assert.deepEqual(security('POST /api/v1/auth/login'), []);
    assert.deepEqual(security('GET /api/v1/notes/{id}'), [{ bearer: [] }, { apiKey: ['notes:read'] }]);
    assert.deepEqual(security('DELETE /api/v1/notes/{id}'), [{ bearer: [] }]);
    assert.deepEqual(security('GET /api/v1/users'), [{ bearer: ['admin'] }]);
    assert.deepEqual(security('GET /api/v1/audit-events'), [
      { bearer: ['auditor'] },
      { bearer: ['admin'] },
      { apiKey: ['audit:read'] },
    ]);
    assert.deepEqual(security('GET /metrics'), [{ apiKey: ['metrics:read'] }]);
    const undeclared = operations.filter(([, operation]) => operation.security === undefined).map(([key]) => key);
    assert.deepEqual(undeclared, []);
  });

  it('is served at /docs/openapi.json as built', async () => {
    const served = await t.http.get('/docs/openapi.json');
    assert.equal(served.status, 200);
    assert.deepEqual(served.body, JSON.parse(JSON.stringify(buildOpenApiDocument(t.app))));
  });
});

describe('checking responses against the OpenAPI document', () => {
  let t: TestApp;
  let contract: OpenApiContract;
  const json = { 'content-type': 'application/json; charset=utf-8' };
  const problemJson = { 'content-type': 'application/problem+json; charset=utf-8' };
  const problem = {
    type: 'about:blank',
    title: 'Not Found',
    status: 404,
    detail: 'No such note.',
    instance: '/api/v1/notes/0d9a4b8e-9a57-4b4c-9a43-5a1d1f3c1e11',
    requestId: '4f0c1a36-2c51-4f59-8ad5-25b6a0d4f0c1',
  };
  const note = {
    id: '0d9a4b8e-9a57-4b4c-9a43-5a1d1f3c1e11',
    title: 't',
    body: 'b',
    ownerId: '4f0c1a36-2c51-4f59-8ad5-25b6a0d4f0c1',
    sharedWith: [],
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  };
  const respond = (status: number, headers: Record<string, string>, body: unknown) => ({
    status,
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

  before(async () => {
    t = await startTestApp();
    contract = new OpenApiContract(buildOpenApiDocument(t.app));
  });
  after(async () => t.close());

  it('accepts a documented success and a documented problem', () => {
    assert.deepEqual(contract.violations('GET /api/v1/notes/{id}', respond(200, json, note)), []);
    assert.deepEqual(contract.violations('GET /api/v1/notes/{id}', respond(404, problemJson, problem)), []);
    assert.deepEqual(contract.violations('DELETE /api/v1/notes/{id}', respond(204, {}, '')), []);
  });

  it('refuses an undocumented status, a field the view does not document, a wrong type and a body on a 204', () => {
    const [status] = contract.violations('GET /api/v1/notes', respond(404, problemJson, problem));
    assert.match(status ?? '', /answered 404, which it does not document/);
    const [leak] = contract.violations('GET /api/v1/notes/{id}', respond(200, json, { ...note, passwordHash: 'x' }));
    assert.match(leak ?? '', /must NOT have additional properties/);
    const [type] = contract.violations('GET /api/v1/notes/{id}', respond(200, json, { ...note, createdAt: 'yesterday' }));
    assert.match(type ?? '', /format "date-time"/);
    const [body] = contract.violations('DELETE /api/v1/notes/{id}', respond(204, json, '{}'));
    assert.match(body ?? '', /without a body/);
  });

  it('refuses an error that is not the shared problem: another media type, a missing requestId', () => {
    const [media] = contract.violations('GET /api/v1/notes/{id}', respond(404, json, problem));
    assert.match(media ?? '', /content-type "application\/json; charset=utf-8" is not documented/);
    const { requestId: _dropped, ...withoutId } = problem;
    const [missing] = contract.violations('GET /api/v1/notes/{id}', respond(404, problemJson, withoutId));
    assert.match(missing ?? '', /must have required property 'requestId'/);
    assert.equal(contract.problemViolations(respond(404, problemJson, withoutId)).length, 1);
  });
});
