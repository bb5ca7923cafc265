import fc from 'fast-check';
import type { FuzzRequest } from '../../support/fuzz-raw-request.js';
import { ATTACKERS, forgedCredential, type Attacker, type Cast } from './attackers.js';
import type { Operation } from './openapi-operations.js';
import { pathParam } from './path-params.js';
import { spelling, type Spelling } from './path-spellings.js';
import { queryString } from './query-strings.js';
import { requestBody, type BodyAttack } from './request-bodies.js';

/** One generated attack on one operation: everything fast-check prints as the counterexample. */
export interface Attack {
  readonly attacker: Attacker;
  readonly forged: [string, string];
  readonly spelling: Spelling;
  readonly query: string;
  readonly body: BodyAttack;
  /** A client-chosen request id (the audit stores one); null lets the app pick. */
  readonly requestId: string | null;
}

/** X-Request-Id values a client may send: the header grammar forbids controls, not much else. */
const requestId = fc.option(
  fc.oneof(
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 300 }),
    fc.constantFrom("'; --", 'x'.repeat(4000), 'ÿ\u00a0é'),
  ),
  { freq: 3 },
);

export function attackOn(operation: Operation, cast: Cast): fc.Arbitrary<Attack> {
  const literals = operation.template.split('/').slice(1);
  const params = operation.pathParams.map(
    (p) => [p.name, pathParam(cast.known(p.name === 'userId' ? ['victim'] : undefined))] as const,
  );
  const path = fc.tuple(...params.map(([, arbitrary]) => arbitrary)).chain((values) => {
    const byName = new Map(params.map(([name], i) => [name, values[i]!]));
    return spelling(
      literals.map((segment) => {
        const name = /^\{(.+)\}$/.exec(segment)?.[1];
        return name === undefined ? { wire: segment, literal: true } : { wire: byName.get(name)!.wire, literal: false };
      }),
    );
  });
  return fc.record({
    attacker: fc.constantFrom(...ATTACKERS),
    forged: forgedCredential,
    spelling: path,
    query: queryString(operation.queryParams),
    body: requestBody(operation.body, { user: cast.known(['victim']), any: cast.known(), login: cast.loginTarget() }),
    requestId,
  });
}

export function requestOf(operation: Operation, attack: Attack, cast: Cast): FuzzRequest {
  const headers: Record<string, string> = { ...cast.headers(attack.attacker, attack.forged) };
  if (attack.body.contentType !== undefined) headers['content-type'] = attack.body.contentType;
  if (attack.requestId !== null) headers['x-request-id'] = attack.requestId;
  return {
    method: operation.method,
    target: attack.query === '' ? attack.spelling.path : `${attack.spelling.path}?${attack.query}`,
    headers,
    ...(attack.body.payload === undefined ? {} : { payload: attack.body.payload, encoding: attack.body.encoding ?? 'utf8' }),
  };
}
