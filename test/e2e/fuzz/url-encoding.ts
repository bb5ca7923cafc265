import fc from 'fast-check';

const UNRESERVED = /[A-Za-z0-9\-._~]/;

/** UTF-8 bytes of one UTF-16 code unit or pair; a lone surrogate gets its 3-byte WTF-8 form (invalid UTF-8 on the wire). */
function bytesOf(codePoint: number): number[] {
  if (codePoint < 0x80) return [codePoint];
  if (codePoint < 0x800) return [0xc0 | (codePoint >> 6), 0x80 | (codePoint & 0x3f)];
  if (codePoint < 0x10000) return [0xe0 | (codePoint >> 12), 0x80 | ((codePoint >> 6) & 0x3f), 0x80 | (codePoint & 0x3f)];
  return [
    0xf0 | (codePoint >> 18),
    0x80 | ((codePoint >> 12) & 0x3f),
    0x80 | ((codePoint >> 6) & 0x3f),
    0x80 | (codePoint & 0x3f),
  ];
}

/**
 * Percent-encodes any JavaScript string for a path segment or query value. Unlike
 * encodeURIComponent it does not throw on a lone surrogate: it sends the bytes an attacker
 * would (ED A0 80), which no UTF-8 decoder accepts.
 */
export function percentEncode(text: string): string {
  let out = '';
  for (const char of text) {
    if (UNRESERVED.test(char)) out += char;
    else
      out += bytesOf(char.codePointAt(0)!)
        .map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`)
        .join('');
  }
  return out;
}

/**
 * Escapes that only exist on the wire: overlong NUL, bytes that are never UTF-8, a truncated
 * sequence, a lone `%`, double encoding, encoded slashes and dots.
 */
export const rawEscape = fc.constantFrom(
  '%00',
  '%C0%80',
  '%FF',
  '%ED%A0%80',
  '%E2%82',
  '%',
  '%zz',
  '%252e',
  '%2e%2e',
  '%2F',
  '%5C',
  '%0d%0a',
);
