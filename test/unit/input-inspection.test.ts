import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStrictIsoDateTime } from '../../src/common/iso-date-time.decorator.js';
import { jsonViolation, MAX_JSON_DEPTH, textViolation } from '../../src/http/input-inspection.js';

/** The rules of src/http/input-inspection.ts and the date form, case by case (the e2e suite proves the wiring). */
describe('input inspection rules', () => {
  it('refuses every C0, DEL and C1 control character and lone surrogates; TAB, LF, CR only in body values', () => {
    for (let code = 0; code <= 0x9f; code++) {
      const char = String.fromCharCode(code);
      const control = code < 0x20 || (code >= 0x7f && code <= 0x9f);
      const lineBreak = char === '\t' || char === '\n' || char === '\r';
      assert.equal(textViolation(`a${char}b`, 'name') !== undefined, control, `name U+${code.toString(16)}`);
      assert.equal(textViolation(`a${char}b`, 'text') !== undefined, control && !lineBreak, `text U+${code.toString(16)}`);
    }
    for (const broken of ['\ud800', 'a\udc00', '\ud800\ud800', 'x\udbff'])
      assert.ok(textViolation(broken, 'text'), JSON.stringify(broken));
    for (const fine of ['😀', 'é', '中文', 'ǅ', '\u2028']) assert.equal(textViolation(fine, 'name'), undefined, fine);
  });

  it('finds a bad string, key, prototype key or excessive depth anywhere in a JSON value, naming only the field', () => {
    assert.equal(jsonViolation({ a: ['x', { b: 'fine\n' }] }), undefined);
    assert.deepEqual(jsonViolation({ a: ['x', { b: 'bad\u0000' }] })?.field, 'a.1.b');
    assert.deepEqual(jsonViolation(JSON.parse('{"a":{"__proto__":1}}'))?.field, 'a.__proto__');
    assert.deepEqual(jsonViolation({ 'k\u0000': 1 })?.field, 'body');
    assert.doesNotMatch(JSON.stringify(jsonViolation({ k: 'secret\u0000value' })), /secret/);
    let nested: unknown = 'leaf';
    for (let depth = 0; depth < MAX_JSON_DEPTH; depth++) nested = [nested];
    assert.equal(jsonViolation(nested), undefined, `${MAX_JSON_DEPTH} levels are allowed`);
    assert.ok(jsonViolation([nested]), `${MAX_JSON_DEPTH + 1} levels are not`);
  });

  it('accepts only YYYY-MM-DD or an RFC 3339 date-time with an offset, within years 0001-9999', () => {
    for (const good of [
      '2024-01-01',
      '2024-02-29',
      '2024-01-01T00:00Z',
      '2024-01-01T23:59:59.999+14:00',
      '0001-01-01',
      '9999-12-31T23:59Z',
    ]) {
      assert.ok(isStrictIsoDateTime(good), good);
    }
    for (const bad of [
      '2024-123',
      '2024-W01-1',
      '20240101',
      '2023-02-29',
      '2024-04-31',
      '2024-01-01T10:00',
      '2024-01-01T24:00Z',
      '0000-12-31',
      '2024-01-01t10:00z',
      ' 2024-01-01',
      42,
    ]) {
      assert.equal(isStrictIsoDateTime(bad), false, String(bad));
    }
  });
});
