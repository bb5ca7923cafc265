import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit event's correlation id: the request id is now generated per
 * request, and what the client sent in `X-Request-Id` is kept here. Plain `ALTER TABLE ... ADD
 * COLUMN` on both databases: TypeORM's addColumn rebuilds a SQLite table, which would drop the
 * append-only triggers with it.
 */
export class AuditCorrelationId1764720000000 implements MigrationInterface {
  name = 'AuditCorrelationId1764720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE audit_events ADD COLUMN correlation_id varchar(128)');
    await queryRunner.query('CREATE INDEX ix_audit_events_correlation_id ON audit_events (correlation_id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX ix_audit_events_correlation_id');
    await queryRunner.query('ALTER TABLE audit_events DROP COLUMN correlation_id');
  }
}
