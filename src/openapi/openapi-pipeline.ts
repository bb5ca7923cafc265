import { STATUS_CODES } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { DiscoveryService, ModulesContainer, Reflector } from '@nestjs/core';
import type {
  HeadersObject,
  OpenAPIObject,
  OperationObject,
  PathItemObject,
  ResponseObject,
  SecurityRequirementObject,
} from '@nestjs/swagger';
import { accessRuleOf, type AccessRule } from '../access/access-rule.js';
import { ROLES } from '../access/access.decorators.js';
import type { ProblemStatus } from '../http/api-problems.decorator.js';
import { GENERIC_DETAIL } from '../http/problem-mapper.js';

/** Which controller method an operation id names (recorded by buildOpenApiDocument's operationIdFactory). */
export interface HandlerName {
  readonly controller: string;
  readonly method: string;
}

/** The security scheme names of the document (src/openapi/openapi.ts). */
export const BEARER_SCHEME = 'bearer';
export const API_KEY_SCHEME = 'apiKey';

/** @nestjs/throttler's metadata key of `@SkipThrottle()` for the `default` throttler (not exported by the package). */
const SKIP_DEFAULT_THROTTLER = 'THROTTLER:SKIPdefault';

const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemView';

const RETRY_AFTER: HeadersObject = {
  'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } },
};
/** Headers some problems carry (src/access/authentication.guard.ts, rate limiting, 503s). */
const PROBLEM_HEADERS: Partial<Record<number, HeadersObject>> = {
  401: {
    'WWW-Authenticate': {
      description:
        'The schemes to authenticate with (RFC 6750 §3): `Bearer realm="api"`, with `ApiKey realm="api"` on routes that take keys.',
      schema: { type: 'string' },
    },
  },
  429: RETRY_AFTER,
  503: RETRY_AFTER,
};

/** `Not Found` → `NotFound`: the name of the shared response component of a status. */
export function problemResponseName(status: number): string {
  return (STATUS_CODES[status] ?? `Status${status}`).replace(/[^A-Za-z]/g, '');
}

function problemResponse(status: number): ResponseObject {
  const headers = PROBLEM_HEADERS[status];
  return {
    description: GENERIC_DETAIL[status] ?? (STATUS_CODES[status] as string),
    ...(headers ? { headers } : {}),
    content: { 'application/problem+json': { schema: { $ref: PROBLEM_SCHEMA_REF } } },
  };
}

/**
 * The problems every route can answer, read from the request pipeline (src/configure-app.ts):
 * - 400: hostile characters in the path or query, a repeated query parameter, a body on a route
 *   that takes none, validation; 413 and 415: the JSON body reader runs before routing, so any
 *   request with a body can get them; 503: the audit trail or the database cannot answer;
 * - 429: the rate limiter and intrusion detection, except on routes that skip rate limiting (the
 *   health probes, which intrusion detection also never blocks);
 * - 401 and 403: authentication and authorization, on every route that is not @Public();
 * - 404: a path parameter naming nothing the caller may see.
 */
function pipelineProblems(rule: AccessRule, skipsRateLimiting: boolean, hasPathParameter: boolean): ProblemStatus[] {
  return [
    400,
    413,
    415,
    503,
    ...(skipsRateLimiting ? [] : [429 as const]),
    ...(rule.isPublic ? [] : [401 as const, 403 as const]),
    ...(hasPathParameter ? [404 as const] : []),
  ];
}

/**
 * The security requirements of a route, from its access declaration (the same rule the guards
 * apply). Alternatives are separate requirement objects because one object's list means "all
 * of": a bearer token (with one of the route's roles when it names a subset; OpenAPI 3.1 allows
 * role names for non-OAuth schemes) or an API key holding one of its @Scopes.
 */
function securityOf(rule: AccessRule): SecurityRequirementObject[] {
  if (rule.isPublic) return [];
  const everyRole = rule.roles !== undefined && ROLES.every((role) => rule.roles!.includes(role));
  const bearer =
    rule.roles === undefined
      ? rule.authenticated
        ? [{ [BEARER_SCHEME]: [] }]
        : []
      : everyRole
        ? [{ [BEARER_SCHEME]: [] }]
        : rule.roles.map((role) => ({ [BEARER_SCHEME]: [role] }));
  const keys = (rule.scopes ?? []).map((scope) => ({ [API_KEY_SCHEME]: [scope] }));
  return [...bearer, ...keys];
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/**
 * `{ allOf: [{ $ref }] }` → `{ $ref }`: @nestjs/swagger wraps a named enum that way, which
 * says nothing more and reads as a composition to linters and generators.
 */
function collapseLoneAllOf(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(collapseLoneAllOf);
  if (node === null || typeof node !== 'object') return;
  const record = node as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    const inner = value as { allOf?: unknown[] } | null;
    if (
      inner &&
      typeof inner === 'object' &&
      Array.isArray(inner.allOf) &&
      inner.allOf.length === 1 &&
      Object.keys(inner).length === 1
    ) {
      record[key] = inner.allOf[0];
    }
    collapseLoneAllOf(record[key]);
  }
}

/**
 * Completes the scanned document from what the pipeline really does, so a new route is
 * documented correctly without anyone remembering to: its security requirements come from its
 * access declaration, its problems from the pipeline (plus any @ApiProblems), and every error
 * status refers to the one shared problem response. What a route answers on success stays its
 * own declaration (@ApiOkResponse and friends).
 */
export function completeFromPipeline(
  document: OpenAPIObject,
  app: INestApplication,
  handlers: ReadonlyMap<string, HandlerName>,
): OpenAPIObject {
  const reflector = app.get(Reflector);
  const controllers = new Map(
    new DiscoveryService(app.get(ModulesContainer))
      .getControllers()
      .filter((wrapper) => wrapper.metatype)
      .map((wrapper) => [wrapper.metatype!.name, wrapper.metatype as Function & { prototype: Record<string, Function> }]),
  );
  const used = new Set<number>();
  for (const [path, item] of Object.entries(document.paths) as [string, PathItemObject][]) {
    for (const method of METHODS) {
      const operation: OperationObject | undefined = item[method];
      if (!operation) continue;
      const name = handlers.get(operation.operationId ?? '');
      const controller = name && controllers.get(name.controller);
      const handler = name && controller?.prototype[name.method];
      if (!controller || !handler) throw new Error(`OpenAPI: no handler found for ${method.toUpperCase()} ${path}`);
      const rule = accessRuleOf(reflector, handler, controller);
      if (!rule) throw new Error(`OpenAPI: ${name.controller}.${name.method} declares no access`);
      const skipsRateLimiting = reflector.getAllAndOverride<boolean>(SKIP_DEFAULT_THROTTLER, [handler, controller]) === true;
      const declared = Object.keys(operation.responses).map(Number);
      const problems = new Set([
        ...pipelineProblems(rule, skipsRateLimiting, path.includes('{')),
        ...declared.filter((s) => s >= 400),
      ]);
      const responses: OperationObject['responses'] = {};
      for (const status of [...declared.filter((s) => s < 400), ...problems].sort((a, b) => a - b)) {
        if (status >= 400) {
          used.add(status);
          responses[String(status)] = { $ref: `#/components/responses/${problemResponseName(status)}` };
        } else {
          const success = operation.responses[String(status)] as ResponseObject;
          // @ApiOkResponse({ type }) leaves the description empty: name the status instead.
          responses[String(status)] = success.description
            ? success
            : { ...success, description: STATUS_CODES[status] ?? 'Success' };
        }
      }
      operation.responses = responses;
      operation.security = securityOf(rule);
    }
  }
  collapseLoneAllOf(document.components);
  document.components ??= {};
  document.components.responses = Object.fromEntries(
    [...used].sort((a, b) => a - b).map((status) => [problemResponseName(status), problemResponse(status)]),
  );
  return document;
}
