import fc from 'fast-check';

/**
 * Strings nobody types on purpose. Each family is one of the classes an outside attacker used
 * (docs/testing.md): NUL and other C0 controls, lone UTF-16 surrogates, strings far past any
 * length limit, text that looks like code or like a date/number to a lenient parser.
 */

/** C0 controls a text field must refuse; TAB, LF and CR are ordinary text. */
// oxlint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** True when `text` holds a character the hardening controls refuse in a DTO field. */
export function hasForbiddenCharacter(text: string): boolean {
  return FORBIDDEN_CONTROL.test(text) || LONE_SURROGATE.test(text);
}

const controlCharacter = fc.oneof(
  { weight: 3, arbitrary: fc.constant('\u0000') },
  {
    weight: 2,
    arbitrary: fc
      .integer({ min: 1, max: 0x1f })
      .filter((c) => c !== 9 && c !== 10 && c !== 13)
      .map((c) => String.fromCharCode(c)),
  },
);
const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));
const shortText = fc.string({ unit: 'grapheme-ascii', maxLength: 12 });

/** Ordinary text with one forbidden character somewhere inside (the NUL-reaches-SQL class). */
export const withControlCharacter = fc.tuple(shortText, controlCharacter, shortText).map(([a, c, b]) => `${a}${c}${b}`);

/** Text that is not valid Unicode: PostgreSQL and UTF-8 encoders cannot store it faithfully. */
export const withLoneSurrogate = fc.tuple(shortText, loneSurrogate, shortText).map(([a, s, b]) => `${a}${s}${b}`);

/** Far past every length limit; the largest pass the 100 kB body limit too. */
export const hugeString = fc
  .tuple(fc.integer({ min: 1_000, max: 120_000 }), fc.constantFrom('x', 'é', '𝄞', ' '))
  .map(([length, unit]) => unit.repeat(length));

/** Text that means something to an interpreter somewhere down the line. */
export const interpreterBait = fc.constantFrom(
  "' OR '1'='1",
  '1; --',
  '"; DROP TABLE notes; --',
  '$where',
  '{"$ne":null}',
  '../../../../etc/passwd',
  '..%2f..%2f',
  '%00',
  '%s%s%s%n',
  '{{7*7}}',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '\u202e\u0644\u200b',
  '\ufeff',
  'snk_0123456789abcdef_' + '0'.repeat(72),
  '__proto__',
  'constructor',
);

/** Almost-dates and almost-numbers: the inputs a lenient parser turns into NaN or Invalid Date. */
export const almostDateOrNumber = fc.constantFrom(
  '2024-123',
  '2024-W01-1',
  '20240101',
  '2024-02-30T00:00:00Z',
  '2024-01-01T25:61:61Z',
  '+275760-09-13T00:00:00.001Z',
  '-271821-04-20T00:00:00Z',
  '0000-00-00',
  '2024-01-01T00:00:00+25:00',
  '1e309',
  '-0',
  'NaN',
  'Infinity',
  '0x10',
  '١٢',
  '9007199254740993',
  ' 5',
  '5 ',
  '1.5',
  '-1',
  '',
);

/** Any of the above, or random Unicode (astral planes and controls included). */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: withControlCharacter },
  { weight: 2, arbitrary: withLoneSurrogate },
  { weight: 1, arbitrary: hugeString },
  { weight: 2, arbitrary: interpreterBait },
  { weight: 2, arbitrary: almostDateOrNumber },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);
