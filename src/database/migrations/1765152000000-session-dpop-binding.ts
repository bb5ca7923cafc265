import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * DPoP (RFC 9449): a session started with a DPoP proof is bound to the thumbprint (RFC 7638,
 * SHA-256, 43 base64url characters) of the client's key, and each refresh of it must be made
 * with a proof of that key. Null for unbound (Bearer) sessions, which every existing one is.
 */
export class SessionDpopBinding1765152000000 implements MigrationInterface {
  name = 'SessionDpopBinding1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumn(
      'sessions',
      new TableColumn({ name: 'dpop_jkt', type: 'varchar', length: '43', isNullable: true }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumn('sessions', 'dpop_jkt');
  }
}
