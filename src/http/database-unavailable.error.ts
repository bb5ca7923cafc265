import { ProblemException } from './problem.exception.js';

/**
 * The database is down, restarting or too slow (docs/operations.md, "Database down or slow"; the
 * driver errors that mean it: src/database/database-unavailable.ts):
 * a 503 with Retry-After, so clients and load balancers back off and retry, never a 500 that
 * reads like a bug, and never the driver's message (host, SQL, parameters). A state-changing
 * request refused this way rolled back: nothing it asked for was kept.
 */
export class DatabaseUnavailableError extends ProblemException {
  constructor() {
    super(503, { detail: 'The service is temporarily unavailable; retry shortly.', headers: { 'Retry-After': '5' } });
  }
}
