import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const id = { name: 'id', type: 'varchar', length: '36', isPrimary: true };
const timestamp = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '24', isNullable });

/** Users, sessions and refresh tokens (identity issue). Portable types only: see docs/architecture.md. */
export class Identity1764201600000 implements MigrationInterface {
  name = 'Identity1764201600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'users',
        columns: [
          id,
          { name: 'email', type: 'text' },
          { name: 'email_hash', type: 'varchar', length: '64' },
          { name: 'display_name', type: 'varchar', length: '100' },
          { name: 'role', type: 'varchar', length: '16' },
          { name: 'disabled', type: 'boolean' },
          { name: 'password_hash', type: 'varchar', length: '255' },
          { name: 'token_version', type: 'integer' },
          timestamp('created_at'),
          timestamp('updated_at'),
        ],
        indices: [new TableIndex({ name: 'uq_users_email_hash', columnNames: ['email_hash'], isUnique: true })],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'sessions',
        columns: [id, { name: 'user_id', type: 'varchar', length: '36' }, timestamp('created_at'), timestamp('revoked_at', true)],
        indices: [
          new TableIndex({ name: 'ix_sessions_user_id', columnNames: ['user_id'] }),
          new TableIndex({ name: 'ix_sessions_revoked_at', columnNames: ['revoked_at'] }),
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'refresh_tokens',
        columns: [
          id,
          { name: 'session_id', type: 'varchar', length: '36' },
          { name: 'token_hash', type: 'varchar', length: '64' },
          timestamp('created_at'),
          timestamp('expires_at'),
          timestamp('used_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_refresh_tokens_session_id', columnNames: ['session_id'] }),
          new TableIndex({ name: 'uq_refresh_tokens_token_hash', columnNames: ['token_hash'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('refresh_tokens');
    await queryRunner.dropTable('sessions');
    await queryRunner.dropTable('users');
  }
}
