import { ParseUUIDPipe } from '@nestjs/common';
import { ProblemException } from '../http/problem.exception.js';

/** A path id that is not a UUID is a 400 with a clear problem, never a query or a 500 (docs/http-contract.md#limits). */
export const uuidParam = () =>
  new ParseUUIDPipe({
    exceptionFactory: () => new ProblemException(400, { detail: 'The id in the path must be a UUID.' }),
  });
