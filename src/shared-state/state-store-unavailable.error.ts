import { ProblemException } from '../http/problem.exception.js';

/**
 * The shared store (Redis) could not answer. It is a 503 problem wherever it escapes: a decision
 * that needs shared state (is this session revoked? is this account locked?) is refused rather
 * than guessed, so an outage can never let a revoked token or a locked account through
 * (fail closed, ASVS 16.5.2 / OWASP API2:2023). The cause is logged, never sent.
 */
export class StateStoreUnavailableError extends ProblemException {
  constructor(readonly reason: string) {
    super(503, {
      detail: 'A security check could not be completed right now; retry shortly.',
      headers: { 'Retry-After': '5' },
    });
  }
}
