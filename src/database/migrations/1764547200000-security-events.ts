import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Security events (intrusion-detection issue). Portable types only: see docs/architecture.md. */
export class SecurityEvents1764547200000 implements MigrationInterface {
  name = 'SecurityEvents1764547200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'security_events',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'occurred_at', type: 'varchar', length: '24' },
          { name: 'type', type: 'varchar', length: '40' },
          { name: 'ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'actor_id', type: 'varchar', length: '36', isNullable: true },
          { name: 'details', type: 'text' },
        ],
        indices: [new TableIndex({ name: 'ix_security_events_occurred_at', columnNames: ['occurred_at'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('security_events');
  }
}
