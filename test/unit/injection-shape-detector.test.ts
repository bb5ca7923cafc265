import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectInjection, injectionKinds, pathVariants } from '../../src/intrusion-detection/injection-shape.detector.js';

/** The injection-shape detection point (OWASP AppSensor CIE1/CIE2/IE1, ASVS 16.3.3). */
describe('injection-shape detector', () => {
  it('recognises SQL injection shapes', () => {
    for (const input of [
      "' OR '1'='1",
      "admin'--",
      '1 UNION ALL SELECT password FROM users',
      "x'; DROP TABLE users; --",
      '1 or 1=1',
      "1' AND SLEEP(5)",
      "'; WAITFOR DELAY '0:0:5'--",
    ]) {
      assert.deepEqual(injectionKinds(input), ['sql'], input);
    }
  });

  it('recognises NoSQL operators in keys and values', () => {
    assert.deepEqual(detectInjection({ body: { email: { $ne: null } } })?.kinds, ['nosql']);
    assert.deepEqual(detectInjection({ query: { 'email[$gt]': '' } })?.kinds, ['nosql']);
    assert.deepEqual(injectionKinds('{"$where": "this.a == 1"}'), ['nosql']);
  });

  it('recognises script injection', () => {
    for (const input of [
      '<script>alert(1)</script>',
      '<img src=x onerror=alert(1)>',
      'javascript:alert(1)',
      '<svg/onload=alert(1)>',
    ]) {
      assert.deepEqual(injectionKinds(input), ['script'], input);
    }
  });

  it('recognises path traversal, also when URL-encoded, and null bytes', () => {
    for (const input of ['../../etc/passwd', '..\\..\\win.ini', '/files/%2e%2e/secret', 'name.txt%00.png', 'a\u0000b']) {
      assert.deepEqual(injectionKinds(input), ['path_traversal'], input);
    }
    assert.deepEqual(pathVariants('/notes/..%2F..%2Fetc%2Fpasswd'), ['/notes/..%2F..%2Fetc%2Fpasswd', '/notes/../../etc/passwd']);
    assert.deepEqual(pathVariants('/bad/%E0%A4%A'), ['/bad/%E0%A4%A'], 'an undecodable path is scanned as sent');
  });

  it('leaves ordinary input alone', () => {
    for (const input of [
      "O'Brien",
      'rock and roll or jazz',
      'alice@example.com',
      'Meeting notes: 3 < 5 and 7 > 2',
      'price is $5',
      'v1.2.3',
      'select a colour',
      'see ./docs or ../README',
    ]) {
      assert.deepEqual(injectionKinds(input), [], input);
    }
    assert.equal(detectInjection({ body: { title: 'Groceries', body: 'milk, eggs' }, query: { page: '2' } }), undefined);
  });

  it('names where it found something (field names only) and every kind found', () => {
    const finding = detectInjection({
      path: ['/api/v1/notes'],
      body: { email: "x' OR '1'='1", nested: { displayName: '<script>' } },
    });
    assert.deepEqual(finding, { kinds: ['script', 'sql'], fields: ['body.email', 'body.nested.displayName'] });
  });

  it('stays bounded on hostile input: deep nesting, many strings, long strings', () => {
    let deep: unknown = "' OR '1'='1";
    for (let i = 0; i < 50; i++) deep = { next: deep };
    assert.equal(detectInjection({ body: deep }), undefined, 'below the depth cap is not scanned');
    const many = Array.from({ length: 1000 }, () => 'plain');
    many.push('<script>');
    assert.equal(detectInjection({ body: many }), undefined, 'past the string budget is not scanned');
    assert.deepEqual(injectionKinds(`${'a'.repeat(100_000)}<script>`), [], 'past the length cap is not scanned');
    assert.deepEqual(injectionKinds(`<a${' x'.repeat(50_000)}`), [], 'no catastrophic backtracking');
  });
});
