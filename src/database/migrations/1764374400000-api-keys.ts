import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

const timestamp = (name: string, isNullable = false) => ({ name, type: 'varchar', length: '24', isNullable });

/** API keys (API-keys issue). Portable types only: see docs/architecture.md. */
export class ApiKeys1764374400000 implements MigrationInterface {
  name = 'ApiKeys1764374400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'api_keys',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'public_id', type: 'varchar', length: '32' },
          { name: 'secret_hash', type: 'varchar', length: '64' },
          { name: 'previous_secret_hash', type: 'varchar', length: '64', isNullable: true },
          timestamp('previous_secret_expires_at', true),
          { name: 'scopes', type: 'text' },
          { name: 'allowed_ips', type: 'text' },
          timestamp('expires_at'),
          timestamp('created_at'),
          timestamp('last_used_at', true),
          { name: 'last_used_ip', type: 'varchar', length: '45', isNullable: true },
          { name: 'use_count', type: 'integer' },
          timestamp('revoked_at', true),
        ],
        indices: [
          new TableIndex({ name: 'ix_api_keys_user_id', columnNames: ['user_id'] }),
          new TableIndex({ name: 'uq_api_keys_public_id', columnNames: ['public_id'], isUnique: true }),
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('api_keys');
  }
}
