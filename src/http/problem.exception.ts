import { HttpException } from '@nestjs/common';

export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export interface ProblemOptions {
  /** Safe, human-readable explanation. Only ProblemException details reach clients. */
  readonly detail?: string;
  readonly type?: string;
  readonly errors?: readonly FieldError[];
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The one exception application code throws to produce a specific client-facing problem
 * (RFC 9457). Its `detail` is written by us, so it is safe to show; messages of any other
 * exception are never echoed to the client (docs/http-contract.md#errors, OWASP API8 / ASVS 16.5).
 */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    readonly problem: ProblemOptions = {},
  ) {
    super(problem.detail ?? 'problem', status);
  }
}
