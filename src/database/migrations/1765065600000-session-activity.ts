import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/** SESSION_ABSOLUTE_TTL's default, in seconds: what existing sessions are given (30 days). */
const DEFAULT_ABSOLUTE_TTL_SECONDS = 2_592_000;

/**
 * Sessions a user can see and end: when each was last used (login or refresh), from which
 * address and user agent (both encrypted, so the columns are `text` and start empty), and the
 * absolute expiry no refresh extends. Existing sessions get their login time plus the default
 * absolute lifetime (a shorter SESSION_ABSOLUTE_TTL still applies to them: it is also checked
 * against created_at, session-lifetime.ts) and their latest refresh as last use, so an upgrade
 * logs nobody out.
 */
export class SessionActivity1765065600000 implements MigrationInterface {
  name = 'SessionActivity1765065600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const timestamp = (name: string) => new TableColumn({ name, type: 'varchar', length: '24', isNullable: true });
    // addColumns and changeColumn rebuild the table on SQLite from TypeORM's cached description of
    // it; read it afresh, or the rebuild drops the columns 1764892800000 added by plain SQL (amr, auth_time).
    await queryRunner.getTable('sessions');
    await queryRunner.addColumns('sessions', [
      timestamp('absolute_expires_at'),
      timestamp('last_used_at'),
      new TableColumn({ name: 'last_ip', type: 'text', isNullable: true }),
      new TableColumn({ name: 'last_user_agent', type: 'text', isNullable: true }),
    ]);
    // Timestamps are fixed-width ISO-8601 UTC text (timestamp.column.ts): computed in each dialect.
    const expiry =
      queryRunner.connection.options.type === 'postgres'
        ? `to_char((created_at::timestamptz AT TIME ZONE 'UTC') + interval '${DEFAULT_ABSOLUTE_TTL_SECONDS} seconds', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`
        : `strftime('%Y-%m-%dT%H:%M:%fZ', created_at, '+${DEFAULT_ABSOLUTE_TTL_SECONDS} seconds')`;
    await queryRunner.query(
      `UPDATE sessions SET absolute_expires_at = ${expiry}, last_used_at = COALESCE(` +
        '(SELECT MAX(refresh_tokens.created_at) FROM refresh_tokens WHERE refresh_tokens.session_id = sessions.id), created_at)',
    );
    for (const name of ['absolute_expires_at', 'last_used_at']) {
      await queryRunner.changeColumn(
        'sessions',
        name,
        new TableColumn({ name, type: 'varchar', length: '24', isNullable: false }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const name of ['last_user_agent', 'last_ip', 'last_used_at', 'absolute_expires_at']) {
      await queryRunner.dropColumn('sessions', name);
    }
  }
}
