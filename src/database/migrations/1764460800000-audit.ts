import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The audit trail (audit issue). Portable columns through the Table API; the append-only
 * triggers are written per database, in this same file (docs/architecture.md).
 */
export class Audit1764460800000 implements MigrationInterface {
  name = 'Audit1764460800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'audit_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'seq', type: 'integer' },
          { name: 'timestamp', type: 'varchar', length: '24' },
          { name: 'request_id', type: 'varchar', length: '128' },
          { name: 'actor_type', type: 'varchar', length: '16' },
          { name: 'actor_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'method', type: 'varchar', length: '16' },
          { name: 'route', type: 'varchar', length: '512' },
          { name: 'status', type: 'integer' },
          { name: 'duration_ms', type: 'integer' },
          { name: 'action', type: 'varchar', length: '64', isNullable: true },
          { name: 'resource_id', type: 'varchar', length: '64', isNullable: true },
          { name: 'payload', type: 'text', isNullable: true },
          { name: 'previous_hash', type: 'varchar', length: '64' },
          { name: 'hash', type: 'varchar', length: '64' },
        ],
        indices: [
          new TableIndex({ name: 'uq_audit_events_seq', columnNames: ['seq'], isUnique: true }),
          new TableIndex({ name: 'ix_audit_events_timestamp', columnNames: ['timestamp'] }),
          new TableIndex({ name: 'ix_audit_events_request_id', columnNames: ['request_id'] }),
          new TableIndex({ name: 'ix_audit_events_actor_id', columnNames: ['actor_id'] }),
        ],
      }),
    );
    // Append-only in the database itself: an application bug or a stolen app credential cannot
    // rewrite history through UPDATE, DELETE or TRUNCATE (ASVS 16.4.2).
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query(`CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'audit_events is append-only'; END $$`);
      await queryRunner.query(
        'CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()',
      );
      await queryRunner.query(
        'CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()',
      );
    } else {
      await queryRunner.query(
        "CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
      );
      await queryRunner.query(
        "CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END",
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.query('DROP TABLE audit_events');
      await queryRunner.query('DROP FUNCTION audit_events_append_only()');
    } else {
      await queryRunner.dropTable('audit_events');
    }
  }
}
