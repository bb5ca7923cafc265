import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Binds each session to the user's token version at its creation: a login that
 * raced a password change, a role change or an admin takeover keeps a session of the old
 * version, and a refresh of it is refused. Existing sessions take their user's current version,
 * so an upgrade logs nobody out.
 */
export class SessionTokenVersion1764633600000 implements MigrationInterface {
  name = 'SessionTokenVersion1764633600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({ name: 'token_version', type: 'integer', isNullable: false, default: 0 }),
    );
    await queryRunner.query(
      'UPDATE sessions SET token_version = (SELECT users.token_version FROM users WHERE users.id = sessions.user_id) ' +
        'WHERE EXISTS (SELECT 1 FROM users WHERE users.id = sessions.user_id)',
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sessions', 'token_version');
  }
}
