import { Column, type ColumnOptions } from 'typeorm';
import { BLIND_INDEX_LENGTH } from './blind-index.service.js';

/**
 * A column holding a BlindIndexService value: fixed-width lower-case hex. Give it an index in the
 * migration (a unique index where the plaintext must be unique, e.g. a user's email).
 */
export function BlindIndexColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: BLIND_INDEX_LENGTH, ...options });
}
