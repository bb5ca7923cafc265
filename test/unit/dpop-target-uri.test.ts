import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Request } from 'express';
import { normalisedTargetUri, requestTargetUri } from '../../src/dpop/dpop-target-uri.js';

function request(originalUrl: string, host = 'api.example.com', protocol = 'https'): Request {
  return { originalUrl, host, protocol } as unknown as Request;
}

/**
 * The `htu` comparison of DPoP proofs (RFC 9449 §4.3 check 9): one URL has one normal form, so
 * another spelling of this service's URL is accepted and nothing else is.
 */
describe('DPoP target URI', () => {
  it('normalises case, default ports, dot segments and unreserved escapes; drops query and fragment', () => {
    const expected = 'https://api.example.com/api/v1/notes';
    for (const spelling of [
      'https://api.example.com/api/v1/notes',
      'HTTPS://API.EXAMPLE.COM/api/v1/notes',
      'https://api.example.com:443/api/v1/notes',
      'https://api.example.com/api/v1/%6Eotes',
      'https://api.example.com/api/v1/%6eotes',
      'https://api.example.com/api/v2/../v1/notes',
      'https://api.example.com/api/v1/%2E/notes',
      'https://api.example.com/api/v1/notes?x=1#f',
    ]) {
      assert.equal(normalisedTargetUri(spelling), expected, spelling);
    }
  });

  it('keeps what makes a URL another one', () => {
    const base = normalisedTargetUri('https://api.example.com/api/v1/notes');
    for (const other of [
      'http://api.example.com/api/v1/notes',
      'https://api.example.com:8443/api/v1/notes',
      'https://api.example.com/api/v1/Notes',
      'https://api.example.com/api/v1/notes/',
      'https://api.example.com/api/v1/notes%2F',
      'https://api.example.com//api/v1/notes',
    ]) {
      assert.notEqual(normalisedTargetUri(other), base, other);
    }
    assert.equal(normalisedTargetUri('https://api.example.com/a/%2f'), 'https://api.example.com/a/%2F');
  });

  it('refuses anything but an absolute http(s) URL without user information', () => {
    for (const raw of ['/api/v1/notes', 'api.example.com/api', 'ftp://api.example.com/x', 'https://u:p@api.example.com/x', '']) {
      assert.equal(normalisedTargetUri(raw), undefined, raw);
    }
  });

  it("names the request by PUBLIC_ORIGIN when set, else by the request's scheme and host, and by the target's path only", () => {
    assert.equal(requestTargetUri(request('/api/v1/notes?x=1'), undefined), 'https://api.example.com/api/v1/notes');
    assert.equal(
      requestTargetUri(request('/api/v1/notes', 'attacker.example', 'http'), 'https://api.example.com'),
      'https://api.example.com/api/v1/notes',
    );
    // An absolute-form target contributes its path, never its origin.
    assert.equal(
      requestTargetUri(request('http://attacker.example/api/v1/notes'), 'https://api.example.com'),
      'https://api.example.com/api/v1/notes',
    );
    assert.equal(requestTargetUri(request('/x', ''), undefined), undefined);
  });
});
