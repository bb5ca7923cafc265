/**
 * The table and column a stored value belongs to. It is authenticated as associated data, so a
 * ciphertext copied into another row's column, or another table, no longer decrypts: an attacker
 * with write access to the database cannot move an encrypted value to where it would be shown
 * to them (ASVS 11.3.3 authenticated encryption with context binding).
 */
export interface ColumnBinding {
  readonly table: string;
  readonly column: string;
}

export function describeBinding(binding: ColumnBinding): string {
  return `${binding.table}.${binding.column}`;
}
