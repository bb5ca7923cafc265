import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { MailQueue } from '../../src/mail/mail-queue.js';
import { registerUser } from '../support/identity.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Development without SMTP_URL: mails become .eml files in the outbox and the log names the path.
 * Its own file: the log outside a request is the process's first app's (nestjs-pino).
 */
describe('development outbox', () => {
  let t: TestApp;
  const outbox = join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox');
  const lines: string[] = [];

  before(async () => {
    const logs = new Writable({
      write(chunk, _encoding, done) {
        lines.push(
          ...String(chunk)
            .split('\n')
            .filter((line) => line.trim() !== ''),
        );
        done();
      },
    });
    t = await startTestApp(
      { NODE_ENV: 'development', MAIL_OUTBOX_DIR: outbox, LOG_LEVEL: 'info', PUBLIC_BASE_URL: 'http://localhost:5173' },
      { logDestination: logs },
    );
  });
  after(async () => {
    await t?.close();
  });

  it('writes each mail as an .eml file readable only by its owner, and logs the path', async () => {
    const account = await registerUser(t, 'outbox');
    await t.app.get(MailQueue).idle();
    const files = readdirSync(outbox).filter((name) => name.endsWith('.eml'));
    assert.equal(files.length, 1);
    const path = join(outbox, files[0]!);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const eml = readFileSync(path, 'utf8');
    assert.match(eml, new RegExp(`^To: ${account.email}$`, 'mi'));
    assert.match(eml.replace(/=\r?\n/g, ''), /http:\/\/localhost:5173\/verify-email#token=3D[A-Za-z0-9_-]{43}/);
    const logged = lines.find((line) => line.includes('Mail written to the outbox'));
    assert.ok(logged, 'the path is logged');
    assert.ok(logged.includes(path), logged);
    assert.ok(!logged.includes(account.email), 'the log line names no recipient');
  });
});
