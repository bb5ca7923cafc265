import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { generateApiKey } from '../../src/api-keys/api-key-format.js';
import { redactCredentials, safeText, uuidOrNull } from '../../src/audit/audit-text.js';
import { summarisePayload } from '../../src/audit/payload-summary.js';

// oxlint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const SEED = 1515;

/** Any UTF-16 string, lone surrogates and control characters included. */
const hostile = fc.string({
  unit: fc.oneof(
    fc.constantFrom('\u0000', '\u001b', '\u0085', '\ud800', '\udfff', '\u007f'),
    fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
  ),
});

describe('audit text safety', () => {
  it('leaves no control character or lone surrogate in what it stores, whatever the input', () => {
    fc.assert(
      fc.property(hostile, (value) => {
        const safe = safeText(value, 10_000);
        assert.ok(!UNSAFE.test(safe), JSON.stringify(safe));
        // Valid UTF-8 both ways: what PostgreSQL stores is what was hashed.
        assert.equal(Buffer.from(safe, 'utf8').toString('utf8'), safe);
      }),
      { seed: SEED, numRuns: 500 },
    );
  });

  it('keeps a stored payload valid JSON with no unsafe character', () => {
    fc.assert(
      fc.property(fc.dictionary(hostile, fc.oneof(hostile, fc.array(hostile))), hostile, (body, q) => {
        const payload = summarisePayload({ q }, body);
        if (payload === null) return;
        const safe = safeText(payload, Number.MAX_SAFE_INTEGER);
        assert.ok(!UNSAFE.test(safe));
        JSON.parse(safe);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('stores only UUIDs as resource ids', () => {
    assert.equal(uuidOrNull('0b0c8c4e-59d2-4d6b-9d6c-1a2b3c4d5e6f'), '0b0c8c4e-59d2-4d6b-9d6c-1a2b3c4d5e6f');
    for (const value of ['\u0000', '0b0c8c4e-59d2-4d6b-9d6c-1a2b3c4d5e6f\u0000', '../etc', '', 42, undefined]) {
      assert.equal(uuidOrNull(value), null);
    }
  });

  it('redacts an API key wherever it sits in a string', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, after) => {
        const { key } = generateApiKey();
        const redacted = redactCredentials(`${before}${key}${after}`);
        assert.ok(!redacted.includes(key.slice(4, 30)), redacted);
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});
