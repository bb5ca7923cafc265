import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';
import { isDatabaseUnavailable } from '../database/database-unavailable.js';
import { DatabaseUnavailableError } from './database-unavailable.error.js';
import { ProblemException, type FieldError } from './problem.exception.js';

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  requestId: string;
  errors?: readonly FieldError[];
}

export interface MappedProblem {
  readonly body: Omit<ProblemBody, 'instance' | 'requestId'>;
  readonly headers: Readonly<Record<string, string>>;
  /** True when the cause is unexpected and must be logged (never shown). */
  readonly unexpected: boolean;
}

/** Generic, fixed texts: the only details a client sees for errors we did not word ourselves. */
export const GENERIC_DETAIL: Readonly<Record<number, string>> = {
  400: 'The request is invalid.',
  401: 'Authentication is required.',
  403: 'You are not allowed to perform this action.',
  404: 'The requested resource was not found.',
  405: 'This method is not allowed on this resource.',
  409: 'The request conflicts with the current state of the resource.',
  413: 'The request body is too large.',
  415: 'The request body must be application/json.',
  429: 'Too many requests; retry later.',
  500: 'Something went wrong. Quote the requestId when reporting this.',
  503: 'The service is temporarily unavailable.',
};

function genericBody(status: number) {
  return {
    type: 'about:blank',
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: GENERIC_DETAIL[status] ?? (status >= 500 ? GENERIC_DETAIL[500] : GENERIC_DETAIL[400]),
  };
}

/** Turns anything thrown into a problem that is safe to send: no message, stack or class name leaks. */
export function mapToProblem(exception: unknown): MappedProblem {
  // A database that is down or too slow is a 503 to retry, not a 500 (the cause is still logged).
  if (isDatabaseUnavailable(exception)) return mapToProblem(new DatabaseUnavailableError());
  if (exception instanceof ProblemException) {
    const status = exception.getStatus();
    const { detail, type, errors, headers } = exception.problem;
    const base = genericBody(status);
    return {
      body: { ...base, type: type ?? base.type, detail: detail ?? base.detail, ...(errors ? { errors } : {}) },
      headers: headers ?? {},
      unexpected: status >= 500,
    };
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return { body: genericBody(status), headers: {}, unexpected: status >= 500 };
  }
  return { body: genericBody(500), headers: {}, unexpected: true };
}
