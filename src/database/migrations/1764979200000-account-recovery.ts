import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const timestamp = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '24', isNullable });

/**
 * Password reset and email verification: when an account's email was verified
 * (`users.email_verified_at`, NULL for every existing account: nobody is verified by an
 * upgrade), and the one-time tokens mailed as links, stored as HMACs (src/auth/recovery/).
 * The column is added with a plain ALTER TABLE on both databases (no table rebuild on SQLite).
 */
export class AccountRecovery1764979200000 implements MigrationInterface {
  name = 'AccountRecovery1764979200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE users ADD COLUMN email_verified_at varchar(24)');
    await queryRunner.createTable(
      new Table({
        name: 'one_time_tokens',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'purpose', type: 'varchar', length: '32' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('used_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_one_time_tokens_user_purpose', columnNames: ['user_id', 'purpose'] }),
          new TableIndex({ name: 'uq_one_time_tokens_token_hash', columnNames: ['token_hash'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('one_time_tokens');
    await queryRunner.query('ALTER TABLE users DROP COLUMN email_verified_at');
  }
}
