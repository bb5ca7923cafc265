/**
 * The canonical form of an email address for equality (blind index, uniqueness): NFKC so that
 * visually identical compatibility forms (full-width letters, ligatures) collapse, surrounding
 * white space removed, lower-cased so `Alice@Example.com` and `alice@example.com` are one
 * account (docs/http-contract.md#auth: emails compare case-insensitively).
 * Lower-casing the local part is a deliberate product choice: almost no provider distinguishes it.
 */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}
