import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { registerUser } from '../support/identity.js';
import { startTestApp } from '../support/test-app.js';

function modeOf(path: string): string {
  return (statSync(path).mode & 0o777).toString(8);
}

/**
 * SQLite files hold password hashes, ciphertexts and the audit trail: owner-only.
 * Runs on SQLite whatever TEST_DATABASE says: it is about SQLite's files.
 */
describe('SQLite file permissions', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sqlite-modes-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the database, WAL and shared-memory files 0600 under a permissive umask', async () => {
    const path = join(dir, 'fresh', 'app.sqlite');
    const previous = process.umask(0o022);
    try {
      const t = await startTestApp({ DATABASE_URL: `sqlite:${path}` });
      try {
        await registerUser(t, 'modes');
        for (const file of [path, `${path}-wal`, `${path}-shm`]) {
          assert.ok(existsSync(file), `${file} does not exist`);
          assert.equal(modeOf(file), '600', file);
        }
        assert.equal(modeOf(join(dir, 'fresh')), '700', 'the directory it creates is private too');
      } finally {
        await t.close();
      }
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a database file an earlier version left world-readable', async () => {
    const path = join(dir, 'old.sqlite');
    writeFileSync(path, '');
    chmodSync(path, 0o644);
    const t = await startTestApp({ DATABASE_URL: `sqlite:${path}` });
    try {
      await registerUser(t, 'old');
      for (const file of [path, `${path}-wal`, `${path}-shm`]) assert.equal(modeOf(file), '600', file);
    } finally {
      await t.close();
    }
  });
});
