import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from './openapi-declarations.js';
import { GENERIC_DETAIL } from './problem-mapper.js';

/** The error statuses this API answers with a problem (src/http/problem-mapper.ts). */
export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 429 | 503;

/**
 * Documents the problems a route answers beyond those the pipeline gives every route
 * (src/openapi/openapi-pipeline.ts: 400, 413, 415, 503 everywhere; 429 unless the route skips rate
 * limiting; 401 and 403 unless it is @Public(); 404 when its path has a parameter). One line,
 * statuses only: `@ApiProblems(409)` on a route that can conflict, `@ApiProblems(401)` on a public
 * route that checks credentials itself. The document gives each the shared problem response
 * (RFC 9457, schema ProblemView), so no route describes an error body of its own.
 */
export const ApiProblems = (...statuses: ProblemStatus[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: GENERIC_DETAIL[status] ?? '' })));
