import type { NextFunction, Request, Response } from 'express';
import { jsonViolation, textViolation } from './input-inspection.js';
import { ProblemException, type FieldError } from './problem.exception.js';

/** Percent-decoding that refuses malformed escapes and invalid UTF-8 (`%ff`, `%ed%a0%80`) instead of guessing. */
function decoded(component: string): string | undefined {
  try {
    return decodeURIComponent(component);
  } catch {
    return undefined;
  }
}

function pathViolation(req: Request): FieldError | undefined {
  const path = decoded(req.path);
  if (path === undefined) return { field: 'path', message: 'path must be valid percent-encoded UTF-8' };
  const problem = textViolation(path, 'name');
  return problem ? { field: 'path', message: `path ${problem}` } : undefined;
}

/**
 * The raw query string, decoded pair by pair: Express's parser (node:querystring) would turn
 * invalid UTF-8 into U+FFFD silently, so the check reads what the client actually sent.
 */
function queryViolation(req: Request): FieldError | undefined {
  const mark = req.originalUrl.indexOf('?');
  if (mark < 0) return undefined;
  for (const pair of req.originalUrl.slice(mark + 1).split('&')) {
    if (pair === '') continue;
    const split = pair.indexOf('=');
    const rawKey = split < 0 ? pair : pair.slice(0, split);
    const key = decoded(rawKey.replaceAll('+', ' '));
    const value = split < 0 ? '' : decoded(pair.slice(split + 1).replaceAll('+', ' '));
    // A key is named only once it is known to be clean text.
    if (key === undefined || textViolation(key, 'name')) {
      return { field: 'query', message: 'query parameter names must be valid UTF-8 without control characters' };
    }
    if (value === undefined) return { field: key, message: `${key} must be valid percent-encoded UTF-8` };
    const problem = textViolation(value, 'name');
    if (problem) return { field: key, message: `${key} ${problem}` };
  }
  return undefined;
}

/**
 * Hostile bytes never reach a guard, a DTO or SQL: the decoded path, every
 * query parameter and the parsed JSON body are checked here, for every route at once, against
 * the rules in src/http/input-inspection.ts (control characters, lone surrogates, invalid UTF-8,
 * nesting depth, prototype keys). A finding is a 400 problem naming the field, never the value.
 */
export function rejectHostileInputMiddleware(req: Request, _res: Response, next: NextFunction): void {
  const violation = pathViolation(req) ?? queryViolation(req) ?? jsonViolation(req.body as unknown);
  if (violation) {
    return next(
      new ProblemException(400, {
        detail: 'The request contains characters or structure that are not accepted.',
        errors: [violation],
      }),
    );
  }
  next();
}
