import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { OpenAPIObject } from '@nestjs/swagger';

// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as typeof addFormatsModule.default;

/** A response as any client saw it: status, headers (lower-case names) and the body as text. */
export interface ObservedResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

interface DocumentedResponse {
  /** JSON pointer of the response object in the document, for its schemas. */
  readonly pointer: string;
  readonly content?: Readonly<Record<string, unknown>>;
}

const escape = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const DOCUMENT_ID = 'openapi.json';

/**
 * A copy of the document in which every object schema that lists its properties admits no
 * others: a response carrying a field the document does not name fails, so the check also
 * catches a view that leaks more than it documents (OWASP API3:2023). Schemas that say
 * `additionalProperties` themselves keep what they say.
 */
function closedObjects(node: unknown, inProperties = false): unknown {
  if (Array.isArray(node)) return node.map((item) => closedObjects(item));
  if (node === null || typeof node !== 'object') return node;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    // Inside `properties` the keys are field names, not keywords.
    copy[key] = closedObjects(value, !inProperties && key === 'properties');
  }
  if (!inProperties && 'properties' in copy && !('additionalProperties' in copy)) copy.additionalProperties = false;
  return copy;
}

/**
 * The app's own OpenAPI document as a contract for real responses (docs/testing.md): for an
 * operation, a status must be one it documents, and the body must be what that status documents
 * (its media type and schema, none for a 204), problems included. Schemas are checked with ajv
 * (JSON Schema 2020-12, the dialect of OpenAPI 3.1) and ajv-formats.
 */
export class OpenApiContract {
  private readonly ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: true });
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenAPIObject) {
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, ...(closedObjects(document) as object) });
  }

  /** `POST /api/v1/notes` (the OpenAPI path template) → its documented responses. */
  private responsesOf(operation: string): Record<string, unknown> | undefined {
    const [method = '', template = ''] = operation.split(' ');
    const item = this.document.paths[template] as Record<string, { responses?: Record<string, unknown> }> | undefined;
    return item?.[method.toLowerCase()]?.responses;
  }

  private documented(operation: string, status: number): DocumentedResponse | undefined {
    const [method = '', template = ''] = operation.split(' ');
    const raw = this.responsesOf(operation)?.[String(status)] as { $ref?: string; content?: Record<string, unknown> } | undefined;
    if (raw === undefined) return undefined;
    if (raw.$ref !== undefined) {
      const name = raw.$ref.replace('#/components/responses/', '');
      const shared = this.document.components?.responses?.[name] as { content?: Record<string, unknown> } | undefined;
      return { pointer: `/components/responses/${escape(name)}`, ...(shared?.content ? { content: shared.content } : {}) };
    }
    return {
      pointer: `/paths/${escape(template)}/${method.toLowerCase()}/responses/${status}`,
      ...(raw.content ? { content: raw.content } : {}),
    };
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (validate === undefined) {
      validate = this.ajv.compile({ $ref: `${DOCUMENT_ID}#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  /** Everything in `response` that `operation` (`METHOD /template`) does not document; empty when it conforms. */
  violations(operation: string, response: ObservedResponse): string[] {
    const responses = this.responsesOf(operation);
    if (responses === undefined) return [`${operation} is not in the OpenAPI document`];
    const documented = this.documented(operation, response.status);
    if (documented === undefined) {
      return [
        `${operation} answered ${response.status}, which it does not document (documents ${Object.keys(responses).join(', ')})`,
      ];
    }
    return this.bodyViolations(`${operation} → ${response.status}`, documented, response);
  }

  /**
   * For a request that reached no operation (an unknown path, another spelling of one): an
   * error must still be a problem as the document describes it.
   */
  problemViolations(response: ObservedResponse): string[] {
    if (response.status < 400) return [];
    const problem = { pointer: '/components/responses/BadRequest', content: { 'application/problem+json': {} } };
    return this.bodyViolations(`unrouted → ${response.status}`, problem, response, () => '/components/schemas/ProblemView');
  }

  private bodyViolations(
    what: string,
    documented: DocumentedResponse,
    response: ObservedResponse,
    schemaOf = (mediaType: string) => `${documented.pointer}/content/${escape(mediaType)}/schema`,
  ): string[] {
    if (documented.content === undefined) {
      return response.body.length === 0
        ? []
        : [`${what}: documented without a body, but one came (${response.body.length} bytes)`];
    }
    const contentType = String(response.headers['content-type'] ?? '');
    const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
    if (!(mediaType in documented.content)) {
      return [
        `${what}: content-type "${contentType}" is not documented (documents ${Object.keys(documented.content).join(', ')})`,
      ];
    }
    let body: unknown = response.body;
    if (mediaType.endsWith('json')) {
      try {
        body = JSON.parse(response.body);
      } catch {
        return [`${what}: the body is not JSON`];
      }
    }
    const validate = this.validator(schemaOf(mediaType));
    if (validate(body)) return [];
    return [
      `${what}: the body does not match its documented schema: ${this.ajv.errorsText(validate.errors, { dataVar: 'body' })}`,
    ];
  }
}
