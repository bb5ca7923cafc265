import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * Commonly used and breached passwords, from the maintained zxcvbn-ts common-language
 * dictionary (derived from the SecLists / xato breach corpora; ~49k entries), shipped with the
 * app so no network is needed at run time (NIST SP 800-63B-4 §3.1.1.2, ASVS 6.2.4). Loaded once.
 */
let blocklist: ReadonlySet<string> | undefined;

export function commonPasswords(): ReadonlySet<string> {
  blocklist ??= new Set(dictionary['passwords-common'].map((entry) => entry.toLowerCase()));
  return blocklist;
}
