import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { mapToProblem } from '../../src/http/problem-mapper.js';
import { ProblemException } from '../../src/http/problem.exception.js';

describe('problem mapping never echoes foreign messages', () => {
  it('maps an unknown error to a generic, flagged 500', () => {
    const problem = mapToProblem(new TypeError('Cannot read properties of undefined (reading "password") at /srv/app.ts'));
    assert.equal(problem.body.status, 500);
    assert.equal(problem.unexpected, true);
    assert.doesNotMatch(JSON.stringify(problem.body), /password|srv|TypeError/);
  });

  it('keeps the status of framework exceptions but not their messages', () => {
    const problem = mapToProblem(new BadRequestException('SQLITE_ERROR near "DROP": syntax error'));
    assert.equal(problem.body.status, 400);
    assert.equal(problem.unexpected, false);
    assert.doesNotMatch(JSON.stringify(problem.body), /SQLITE|DROP/);
    assert.equal(
      mapToProblem(new ForbiddenException('role user lacks admin')).body.detail,
      'You are not allowed to perform this action.',
    );
    assert.equal(mapToProblem(new NotFoundException('Cannot GET /x')).body.title, 'Not Found');
  });

  it('shows the detail, errors and headers of our own ProblemException', () => {
    const problem = mapToProblem(
      new ProblemException(400, {
        detail: 'Bad field.',
        errors: [{ field: 'email', message: 'must be an email' }],
        headers: { 'Retry-After': '3' },
      }),
    );
    assert.equal(problem.body.detail, 'Bad field.');
    assert.deepEqual(problem.body.errors, [{ field: 'email', message: 'must be an email' }]);
    assert.deepEqual(problem.headers, { 'Retry-After': '3' });
  });
});
