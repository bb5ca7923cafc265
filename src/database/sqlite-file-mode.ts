import { chmodSync, closeSync, constants, existsSync, openSync } from 'node:fs';

/** Owner read/write only: the database holds password hashes, ciphertexts and the audit trail. */
export const SQLITE_FILE_MODE = 0o600;

/** The files SQLite keeps beside the database in WAL mode (and the rollback journal). */
const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'];

/**
 * Makes the SQLite database file owner-only before SQLite opens it. SQLite creates a missing
 * database with 0644 (less the umask): readable by every local user. Its unix VFS creates the
 * -wal, -shm and -journal files with the database file's own permissions, so creating the
 * database 0600 (O_EXCL: never reopening someone else's file) makes them 0600 too. A file left
 * readable by an earlier version is tightened, with its companions (ASVS 13.3.x / 14.2.x).
 * An in-memory database (`:memory:`, `file:` URIs) has no file to protect.
 */
export function prepareSqliteFile(path: string): void {
  if (path === ':memory:' || path.startsWith('file:')) return;
  if (!existsSync(path)) {
    try {
      closeSync(openSync(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, SQLITE_FILE_MODE));
    } catch (error) {
      // Another process (a second instance, the CLI) created it first: tightened below.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  for (const file of [path, ...COMPANION_SUFFIXES.map((suffix) => `${path}${suffix}`)]) {
    try {
      chmodSync(file, SQLITE_FILE_MODE);
    } catch (error) {
      // A companion that does not exist yet will be created with the database's mode.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
}
