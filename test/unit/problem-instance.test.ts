import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problemInstance } from '../../src/http/problem-instance.js';

describe('the instance member of a problem', () => {
  it('is the path without its query', () => {
    assert.equal(problemInstance('/api/v1/notes/abc?limit=5'), '/api/v1/notes/abc');
    assert.equal(problemInstance('/api/v1/notes/a%20b'), '/api/v1/notes/a%20b');
  });

  it('escapes what a URI reference may not hold: a % that starts no escape, a raw byte above ASCII, quotes', () => {
    assert.equal(problemInstance('/api/v1/users/x%zz'), '/api/v1/users/x%25zz');
    assert.equal(problemInstance('/api/v1/users/x%'), '/api/v1/users/x%25');
    assert.equal(problemInstance('/a/\u00ff"<>'), '/a/%C3%BF%22%3C%3E');
  });
});
