import { Column, type ColumnOptions, type ValueTransformer } from 'typeorm';

/**
 * Times are stored as fixed-width ISO-8601 UTC text (`2026-01-31T12:00:00.000Z`, 24 chars) on
 * both databases. Why: SQLite has no timestamp type and PostgreSQL's `timestamp` silently uses
 * the process time zone; one text format is identical everywhere, sorts and compares correctly,
 * and hashes canonically (the audit chain relies on that). See docs/architecture.md.
 */
export const isoTimestampTransformer: ValueTransformer = {
  to: (value: Date | null | undefined) => (value instanceof Date ? value.toISOString() : value),
  from: (value: string | null) => (value === null ? null : new Date(value)),
};

export function TimestampColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}): PropertyDecorator {
  return Column({ type: 'varchar', length: 24, transformer: isoTimestampTransformer, ...options });
}
