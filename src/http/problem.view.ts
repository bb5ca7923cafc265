import { ApiProperty, ApiPropertyOptional } from './openapi-declarations.js';
import type { FieldError } from './problem.exception.js';
import type { ProblemBody } from './problem-mapper.js';

/** One refused field of a validation problem: the field's name and why, never its value. */
export class FieldErrorView implements FieldError {
  @ApiProperty({ description: 'The refused field (a body property, a query parameter, `path` or `query`).', example: 'email' })
  readonly field!: string;

  @ApiProperty({ description: 'Why it was refused, in plain words.', example: 'email must be an email' })
  readonly message!: string;
}

/**
 * The one error body of the API (RFC 9457 problem details, `application/problem+json`), exactly
 * as src/http/problem-details.filter.ts writes it: the standard members plus the two extensions
 * the service emits, `requestId` always and `errors` on validation problems
 * (docs/http-contract.md#errors). Every error response of the OpenAPI document refers to it.
 */
export class ProblemView implements ProblemBody {
  @ApiProperty({
    description: 'A URI reference naming the problem type; `about:blank` when the status says it all (RFC 9457 §4.2.1).',
    format: 'uri-reference',
    example: 'about:blank',
  })
  readonly type!: string;

  @ApiProperty({ description: 'The reason phrase of the status.', example: 'Bad Request' })
  readonly title!: string;

  @ApiProperty({ description: 'The HTTP status, repeated.', type: 'integer', minimum: 400, maximum: 599, example: 400 })
  readonly status!: number;

  @ApiProperty({
    description: 'A fixed, human-readable explanation: written by us, never an echo of the input or an internal message.',
    example: 'The request has invalid or unexpected fields.',
  })
  readonly detail!: string;

  @ApiProperty({ description: 'The path of the request (no query string).', format: 'uri-reference', example: '/api/v1/notes' })
  readonly instance!: string;

  @ApiProperty({
    description:
      'The id of this request, also in the `X-Request-Id` header, the logs and the audit trail: quote it when reporting.',
    format: 'uuid',
  })
  readonly requestId!: string;

  @ApiPropertyOptional({ description: 'Validation problems only: each refused field.', type: [FieldErrorView] })
  readonly errors?: FieldErrorView[];
}
