import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Accounts of an external OpenID provider (docs/oauth-oidc.md#just-in-time-accounts): each local
 * user provisioned from a provider token is keyed by (issuer, subject), never by email. The audit
 * trail gains the issuer and subject of external callers. Plain `ALTER TABLE ... ADD COLUMN` for
 * audit_events: TypeORM's addColumn rebuilds a SQLite table, which would drop its append-only triggers.
 */
export class ExternalIdentities1764806400000 implements MigrationInterface {
  name = 'ExternalIdentities1764806400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'external_identities',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'issuer', type: 'varchar', length: '512' },
          { name: 'subject', type: 'varchar', length: '255' },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'kind', type: 'varchar', length: '8' },
          { name: 'created_at', type: 'varchar', length: '24' },
        ],
        indices: [
          new TableIndex({ name: 'uq_external_identities_issuer_subject', columnNames: ['issuer', 'subject'], isUnique: true }),
          new TableIndex({ name: 'uq_external_identities_user_id', columnNames: ['user_id'], isUnique: true }),
        ],
      }),
    );
    await queryRunner.query('ALTER TABLE audit_events ADD COLUMN actor_issuer varchar(512)');
    await queryRunner.query('ALTER TABLE audit_events ADD COLUMN actor_subject varchar(255)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE audit_events DROP COLUMN actor_subject');
    await queryRunner.query('ALTER TABLE audit_events DROP COLUMN actor_issuer');
    await queryRunner.dropTable('external_identities');
  }
}
