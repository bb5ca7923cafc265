import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const timestamp = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '24', isNullable });

/**
 * Multi-factor authentication (docs/account-lifecycle.md#multi-factor-authentication): a user's
 * TOTP factor (secret encrypted, last accepted time step for replay refusal), their recovery
 * codes (peppered hashes, single use), the pending second step of a login (the `mfaToken`, as a
 * peppered hash, single use), and on each session how and when its user last authenticated
 * (`amr`, `auth_time`, carried into every access token of the session, also after a refresh).
 * The session columns are added with plain `ALTER TABLE ... ADD COLUMN` on both databases, like
 * 1764720000000: no table rebuild on SQLite. Existing sessions keep NULL (read as a password login
 * at the session's creation).
 */
export class Mfa1764892800000 implements MigrationInterface {
  name = 'Mfa1764892800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'mfa_totp_factors',
        columns: [
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'secret', type: 'text' },
          timestamp('confirmed_at', true),
          // A TOTP time step (Unix time / 30) stays far below 2^31 for centuries: integer is enough on PostgreSQL.
          { name: 'last_used_step', type: 'integer', isNullable: true },
          timestamp('created_at'),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'mfa_recovery_codes',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'code_hash', type: 'varchar', length: '64' },
          timestamp('created_at'),
          timestamp('used_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_mfa_recovery_codes_user_id', columnNames: ['user_id'] }),
          new TableIndex({ name: 'uq_mfa_recovery_codes_code_hash', columnNames: ['code_hash'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'mfa_challenges',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          { name: 'token_version', type: 'integer' },
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('used_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_mfa_challenges_user_id', columnNames: ['user_id'] }),
          new TableIndex({ name: 'uq_mfa_challenges_token_hash', columnNames: ['token_hash'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.query('ALTER TABLE sessions ADD COLUMN amr varchar(32)');
    await queryRunner.query('ALTER TABLE sessions ADD COLUMN auth_time varchar(24)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sessions DROP COLUMN auth_time');
    await queryRunner.query('ALTER TABLE sessions DROP COLUMN amr');
    await queryRunner.dropTable('mfa_challenges');
    await queryRunner.dropTable('mfa_recovery_codes');
    await queryRunner.dropTable('mfa_totp_factors');
  }
}
