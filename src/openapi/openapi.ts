import type { INestApplication } from '@nestjs/common';
import * as swagger from '@nestjs/swagger';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { API_KEY_SCHEME, BEARER_SCHEME, completeFromPipeline, type HandlerName } from './openapi-pipeline.js';
import { applyOpenApiDeclarations } from '../http/openapi-declarations.js';
import { ProblemView } from '../http/problem.view.js';

// The controllers' and DTOs' declarations (src/http/openapi-declarations.ts) were recorded, not
// applied: this module is the one that needs them, so loading it applies them.
applyOpenApiDeclarations(swagger);

/** Where the document is served (with the UI at /docs) when SWAGGER_ENABLED (docs/http-contract.md#openapi-document). */
export const OPENAPI_UI_PATH = 'docs';
export const OPENAPI_JSON_PATH = 'docs/openapi.json';

/**
 * Every tag a controller uses (@ApiTags), described once: the lint (redocly.yaml) refuses an
 * operation whose tag is missing here.
 */
const TAGS: Readonly<Record<string, string>> = {
  auth: 'Accounts, login, tokens and the keys that verify them (docs/authentication.md).',
  notes: 'The example owned resource: notes, shared read-only with other users (docs/authorization.md).',
  'api-keys': 'API keys of the caller, managed with its bearer token only (docs/api-keys.md).',
  users: 'Account administration (admin).',
  audit: 'The tamper-evident audit trail (docs/audit.md).',
  'security-events': 'Security events: lockouts, blocks, token reuse (docs/rate-limiting-and-detection.md).',
  operations: 'Health probes and metrics (docs/operations.md).',
  // generate:resource tags (npm run generate:resource describes a feature's tag above this line)
};

/** `NotesController.create` → `notes_create`: stable, unique, and readable as a generated client's method name. */
function operationIdOf(controller: string, method: string): string {
  const base = controller.replace(/Controller$/, '');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}_${method}`;
}

/**
 * The OpenAPI 3.1 document of the running app: scanned from the controllers and DTOs by
 * @nestjs/swagger, then completed from the pipeline (src/openapi/openapi-pipeline.ts). Linted in CI
 * (`npm run openapi:lint`, redocly.yaml) and checked against real responses by the e2e suites
 * (docs/testing.md#responses-match-the-openapi-document).
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('Secure NestJS reference API')
    .setDescription(
      'Every route declares its access (docs/authorization.md); errors are RFC 9457 problem details ' +
        '(`application/problem+json`, schema ProblemView) carrying a `requestId` (docs/http-contract.md).',
    )
    .setVersion('1')
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addServer('/', 'The server that serves this document')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from POST /api/v1/auth/login.' },
      BEARER_SCHEME,
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'An API key (POST /api/v1/api-keys); each operation lists the scopes that admit a key.',
      },
      API_KEY_SCHEME,
    )
    .build();
  config.tags = Object.entries(TAGS).map(([name, description]) => ({ name, description }));
  const handlers = new Map<string, HandlerName>();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemView],
    operationIdFactory: (controller, method) => {
      const id = operationIdOf(controller, method);
      handlers.set(id, { controller, method });
      return id;
    },
  });
  return completeFromPipeline(document, app, handlers);
}

/** OpenAPI UI at /docs and the JSON at /docs/openapi.json; off in production unless SWAGGER_ENABLED=true (it maps the attack surface). */
export function mountOpenApi(app: INestApplication): void {
  SwaggerModule.setup(OPENAPI_UI_PATH, app, () => buildOpenApiDocument(app), { jsonDocumentUrl: OPENAPI_JSON_PATH });
}
