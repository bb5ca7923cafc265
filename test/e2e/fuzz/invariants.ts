import type { FuzzResponse } from '../../support/fuzz-raw-request.js';
import type { OpenApiContract } from '../../support/openapi-contract.js';
import type { Attack } from './attack.js';

/** What was measured around one request, straight from the database. */
export interface Observation {
  readonly response: FuzzResponse;
  /** Audit rows added while the request ran (requests run one at a time). */
  readonly auditEventsAdded: number;
  /** Whether any business table changed (see test/support/fuzz-app-state.ts). */
  readonly stateChanged: boolean;
  /** True when the request reached a route: a 2xx, or its audit event names a route template. */
  readonly routed: boolean;
}

/** The operation attacked and the document it is checked against. */
export interface Documented {
  /** `PATCH /api/v1/notes/{id}`. */
  readonly operation: string;
  readonly contract: OpenApiContract;
}

export interface Violation {
  readonly invariant: string;
  readonly detail: string;
}

/**
 * Text that only an internal error carries: a stack frame, a source path, SQL or a driver's
 * message. The generators never produce these, so an echo of the input cannot trip them.
 */
const LEAKS: readonly (readonly [string, RegExp])[] = [
  ['stack trace', /\n\s+at |\bat (?:async )?[\w$.<>[\] ]+ \((?:file:|node:|\/)/],
  ['file path', /\/work\/|\/home\/|\/usr\/lib|node_modules|\/(?:build\/)?src\/[\w/.-]+\.(?:ts|js)\b|file:\/\//],
  [
    'SQL or driver text',
    /QueryFailedError|TypeORMError|SqliteError|SQLITE_[A-Z]+|\bSQLSTATE\b|syntax error at or near|violates (?:unique|foreign key|not-null|check) constraint|duplicate key value|invalid byte sequence|invalid input syntax|\bINSERT INTO\b|\bSELECT\b[^"]{0,80}\bFROM\b/,
  ],
  ['runtime error text', /\b(?:TypeError|ReferenceError|RangeError|SyntaxError)\b|Maximum call stack|Cannot read propert/],
];

/** Health probes are left out of the audit on purpose (docs/audit.md); everything else is one event. */
export function expectedAuditEvents(attack: Attack, status: number): number {
  const probeServed = attack.spelling.path.startsWith('/health/') && (status < 400 || status === 503);
  return probeServed ? 0 : 1;
}

const CREDENTIAL_FIELDS = ['accessToken', 'refreshToken', 'key'];

/** Every invariant the issue names for every route; each returns nothing or what broke. */
export function violationsOf(attack: Attack, observed: Observation, documented: Documented): Violation[] {
  const { response } = observed;
  const { status } = response;
  const contentType = String(response.headers['content-type'] ?? '');
  const out: Violation[] = [];
  const fail = (invariant: string, detail: string) => out.push({ invariant, detail });
  const ok = status >= 200 && status < 300;

  if (status >= 500) fail('never a 5xx', `status ${status}`);
  if (status >= 400) {
    if (!contentType.startsWith('application/problem+json'))
      fail('errors are application/problem+json', `content-type "${contentType}"`);
    else {
      let problem: { status?: unknown } | undefined;
      try {
        problem = JSON.parse(response.body) as { status?: unknown };
      } catch {
        fail('errors are application/problem+json', 'body is not JSON');
      }
      if (problem && problem.status !== status)
        fail('errors are application/problem+json', `problem.status ${String(problem.status)} ≠ ${status}`);
    }
  }
  for (const [what, pattern] of LEAKS) {
    const match = pattern.exec(response.body);
    if (match)
      fail('nothing internal in a body', `${what}: …${response.body.slice(Math.max(0, match.index - 40), match.index + 80)}…`);
  }
  const expected = expectedAuditEvents(attack, status);
  if (observed.auditEventsAdded !== expected) {
    fail('exactly one audit event per request', `${observed.auditEventsAdded} events added, expected ${expected}`);
  }
  if (status >= 400 && observed.stateChanged)
    fail('a refused request changes nothing', `status ${status} but a business table changed`);
  if (ok && attack.body.unknownKey !== undefined) {
    fail('an undeclared body property is refused', `key ${JSON.stringify(attack.body.unknownKey)} answered ${status}`);
  }
  if (ok && attack.body.bodyOnBodilessRoute) fail('a body on a route that takes none is refused', `answered ${status}`);
  if (ok && attack.body.forbiddenCharacterIn !== undefined) {
    fail(
      'NUL, C0 controls and lone surrogates are refused in DTO fields',
      `field ${attack.body.forbiddenCharacterIn} answered ${status}`,
    );
  }
  // A refusal before routing (a repeated query parameter, a body that is not JSON) is fine; a
  // guard, a pipe or a handler answering means the spelling reached a route.
  if (['case-varied', 'trailing-slash', 'double-slash', 'dot-segment'].includes(attack.spelling.kind) && observed.routed) {
    fail(
      'another spelling of a path is not routed',
      `${attack.spelling.kind} ${attack.spelling.path} answered ${status} from a route`,
    );
  }
  // The answer is one the OpenAPI document promises: for the operation when the request is its
  // own spelling or reached it anyway, else (another spelling, unrouted) at least a problem.
  const answeredFor = attack.spelling.kind === 'canonical' || observed.routed ? documented.operation : undefined;
  const contract =
    answeredFor === undefined
      ? documented.contract.problemViolations(response)
      : documented.contract.violations(answeredFor, response);
  for (const detail of contract) fail('every response is documented in the OpenAPI document', detail);
  if (ok && contentType.includes('json')) {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(response.body) as Record<string, unknown>;
    } catch {
      /* not an object: carries no credential */
    }
    const carries = CREDENTIAL_FIELDS.some((field) => typeof body?.[field] === 'string');
    if (carries && !String(response.headers['cache-control'] ?? '').includes('no-store')) {
      fail('a response carrying credentials is not cacheable', `Cache-Control "${String(response.headers['cache-control'])}"`);
    }
  }
  return out;
}
