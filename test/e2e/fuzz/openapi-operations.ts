import type { INestApplication } from '@nestjs/common';
import { buildOpenApiDocument } from '../../../src/openapi/openapi.js';

/** The slice of JSON Schema the generators understand (what @nestjs/swagger emits for our DTOs). */
export interface FieldSchema {
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly items?: FieldSchema;
}

export interface ObjectSchema {
  readonly properties: Readonly<Record<string, FieldSchema>>;
  readonly required: readonly string[];
}

export interface Parameter {
  readonly name: string;
  readonly schema: FieldSchema;
}

/** One operation of the OpenAPI document, as the attack generators need it. */
export interface Operation {
  /** `POST /api/v1/notes/{id}/shares`: the name used in test titles and FUZZ_ONLY. */
  readonly key: string;
  readonly method: string;
  /** The OpenAPI path template (`/api/v1/notes/{id}`). */
  readonly template: string;
  readonly pathParams: readonly Parameter[];
  readonly queryParams: readonly Parameter[];
  /** The JSON body schema, or undefined when the route takes no body. */
  readonly body: ObjectSchema | undefined;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

type Document = ReturnType<typeof buildOpenApiDocument>;

function resolve(document: Document, schema: unknown): ObjectSchema {
  const ref = (schema as { $ref?: string }).$ref;
  const target = ref ? document.components?.schemas?.[ref.replace('#/components/schemas/', '')] : schema;
  const object = target as { properties?: Record<string, FieldSchema>; required?: string[] };
  return { properties: object.properties ?? {}, required: object.required ?? [] };
}

/**
 * Every operation of the app's own OpenAPI document (the one served at /docs/openapi.json), so
 * a route added tomorrow is attacked without anyone writing a test for it. The authorization
 * matrix test reads the same document and fails when a route is missing from its table.
 */
export function operationsOf(app: INestApplication): Operation[] {
  const document = buildOpenApiDocument(app);
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries(document.paths)) {
    for (const [method, raw] of Object.entries(item as Record<string, unknown>)) {
      if (!METHODS.includes(method)) continue;
      const operation = raw as {
        parameters?: { in: string; name: string; schema?: FieldSchema }[];
        requestBody?: { content?: Record<string, { schema?: unknown }> };
      };
      const parameters = operation.parameters ?? [];
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const of = (where: string) =>
        parameters.filter((p) => p.in === where).map((p) => ({ name: p.name, schema: p.schema ?? { type: 'string' } }));
      operations.push({
        key: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        template,
        pathParams: of('path'),
        queryParams: of('query'),
        body: bodySchema === undefined ? undefined : resolve(document, bodySchema),
      });
    }
  }
  return operations;
}
