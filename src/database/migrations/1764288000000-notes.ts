import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Notes and their shares (authorization issue). Portable types only: see docs/architecture.md. */
export class Notes1764288000000 implements MigrationInterface {
  name = 'Notes1764288000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'notes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'owner_id', type: 'varchar', length: '36' },
          { name: 'title', type: 'varchar', length: '200' },
          { name: 'body', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '24' },
          { name: 'updated_at', type: 'varchar', length: '24' },
        ],
        indices: [new TableIndex({ name: 'ix_notes_owner_id', columnNames: ['owner_id'] })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'note_shares',
        columns: [
          { name: 'note_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'created_at', type: 'varchar', length: '24' },
        ],
        indices: [new TableIndex({ name: 'ix_note_shares_user_id', columnNames: ['user_id'] })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('note_shares');
    await queryRunner.dropTable('notes');
  }
}
