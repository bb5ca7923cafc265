import { createRequire } from 'node:module';

/**
 * Commonly used and breached passwords, from the maintained zxcvbn-ts common-language
 * dictionary (derived from the SecLists / xato breach corpora; ~49k entries), shipped with the
 * app so no network is needed at run time (NIST SP 800-63B-4 §3.1.1.2, ASVS 6.2.4). Loaded once,
 * on first use.
 *
 * Stored compactly (docs/performance.md, "The live heap"): the lower-cased entries sorted into one
 * ASCII Buffer, with a Uint32Array of where each starts, searched by binary search. Exact
 * membership, the same answers as a Set of the strings (test/unit/common-passwords.test.ts), but
 * about 0.5 MB outside the V8 heap instead of 49,000 strings and a hash table (~3 MB) inside it,
 * which every major GC had to mark. The dictionary module is loaded with require and dropped from
 * the require cache once read, so its decompressed array can be collected too (an ES module, once
 * imported, is held for the life of the process).
 */
export interface PasswordList {
  /** Whether `word` (compared exactly; the entries are lower case) is on the list. */
  has(word: string): boolean;
  readonly size: number;
}

/** Sorted, distinct ASCII entries: `bytes[starts[i]..starts[i + 1])` is the i-th. */
class SortedAsciiList implements PasswordList {
  private constructor(
    private readonly bytes: Buffer,
    private readonly starts: Uint32Array,
  ) {}

  static of(entries: Iterable<string>): SortedAsciiList {
    const sorted = [...new Set(entries)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const entry of sorted) {
      // The lookup compares UTF-16 code units with bytes, which is exact only for ASCII.
      for (let k = 0; k < entry.length; k++) {
        if (entry.charCodeAt(k) > 0x7f) throw new Error('common password list: a non-ASCII entry');
      }
    }
    const starts = new Uint32Array(sorted.length + 1);
    for (let i = 0; i < sorted.length; i++) starts[i + 1] = starts[i]! + sorted[i]!.length;
    const bytes = Buffer.from(sorted.join(''), 'latin1');
    return new SortedAsciiList(bytes, starts);
  }

  get size(): number {
    return this.starts.length - 1;
  }

  has(word: string): boolean {
    let low = 0;
    let high = this.starts.length - 2;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compare(word, middle);
      if (order === 0) return true;
      if (order < 0) high = middle - 1;
      else low = middle + 1;
    }
    return false;
  }

  /** Code-unit order of `word` against entry i: the entries' sort order, since they are ASCII. */
  private compare(word: string, i: number): number {
    const start = this.starts[i]!;
    const length = this.starts[i + 1]! - start;
    const common = Math.min(word.length, length);
    for (let k = 0; k < common; k++) {
      const difference = word.charCodeAt(k) - this.bytes[start + k]!;
      if (difference !== 0) return difference;
    }
    return word.length - length;
  }
}

/** The dictionary's entries, read through require so the module can be dropped afterwards. */
function readDictionary(): readonly string[] {
  const require = createRequire(import.meta.url);
  const cached = new Set(Object.keys(require.cache));
  try {
    const { dictionary } = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    return dictionary['passwords-common'];
  } finally {
    // What this call loaded (the dictionary package and its decompressor) leaves the cache, so
    // nothing holds its arrays once the list below is built. Loading it again would re-read it.
    for (const key of Object.keys(require.cache)) if (!cached.has(key)) delete require.cache[key];
  }
}

let blocklist: PasswordList | undefined;

export function commonPasswords(): PasswordList {
  blocklist ??= SortedAsciiList.of(readDictionary().map((entry) => entry.toLowerCase()));
  return blocklist;
}

/** For the unit test: the same structure over any entries. */
export function passwordList(entries: Iterable<string>): PasswordList {
  return SortedAsciiList.of(entries);
}
