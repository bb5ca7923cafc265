import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * DPoP (RFC 9449): a session started with a DPoP proof is bound to the thumbprint (RFC 7638,
 * SHA-256, 43 base64url characters) of the client's key, and each refresh of it must be made
 * with a proof of that key. Null for unbound (Bearer) sessions, which every existing one is.
 * Plain `ALTER TABLE ... ADD COLUMN` on both databases, like 1764720000000: TypeORM's addColumn
 * rebuilds a SQLite table from its cached description, which drops the columns an earlier
 * migration added by plain SQL (the MFA columns `amr` and `auth_time`).
 */
export class SessionDpopBinding1765152000000 implements MigrationInterface {
  name = 'SessionDpopBinding1765152000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sessions ADD COLUMN dpop_jkt varchar(43)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('ALTER TABLE sessions DROP COLUMN dpop_jkt');
  }
}
