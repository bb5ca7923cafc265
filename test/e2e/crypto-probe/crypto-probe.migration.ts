import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/** Schema of the test-only CryptoProbe entity (passed to the app through SchemaExtensions). */
export class CryptoProbe1799999999999 implements MigrationInterface {
  name = 'CryptoProbe1799999999999';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'crypto_probe',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'secret', type: 'text' },
          { name: 'other_secret', type: 'text', isNullable: true },
          { name: 'email', type: 'text' },
          { name: 'email_hash', type: 'varchar', length: '64' },
        ],
        indices: [new TableIndex({ name: 'uq_crypto_probe_email_hash', columnNames: ['email_hash'], isUnique: true })],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('crypto_probe');
  }
}
