import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { DecryptionError } from '../../src/crypto/decryption.error.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { currentFieldCrypto, installFieldCrypto, uninstallFieldCrypto } from '../../src/crypto/field-crypto.holder.js';
import { FieldCrypto } from '../../src/crypto/field-crypto.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { LoggingSecurityEvents } from '../../src/security-events/logging-security-events.js';
import { SecurityEvents, type SecurityEventDetails, type SecurityEventType } from '../../src/security-events/security-events.js';

class RecordingEvents extends SecurityEvents {
  readonly events: { type: SecurityEventType; details: SecurityEventDetails }[] = [];
  record(type: SecurityEventType, details: SecurityEventDetails): void {
    this.events.push({ type, details });
  }
}

function fieldCrypto(events: SecurityEvents, id = 'k1'): FieldCrypto {
  return new FieldCrypto(new FieldCipher(Keyring.fromConfig([{ id, key: randomBytes(32) }])), events);
}

const binding = { table: 'users', column: 'email' };

describe('decryption failures are security events', () => {
  it('records decryption_failure with table, column, key id and reason, never the value', () => {
    const events = new RecordingEvents();
    const crypto = fieldCrypto(events);
    const stored = crypto.encrypt('alice@example.com', binding);
    const moved = { table: 'users', column: 'display_name' };
    assert.throws(() => crypto.decrypt(stored, moved), DecryptionError);
    assert.deepEqual(events.events, [
      {
        type: 'decryption_failure',
        details: { table: 'users', column: 'display_name', keyId: 'k1', reason: 'authentication-failed' },
      },
    ]);
    assert.throws(() => crypto.decrypt('garbage', binding), DecryptionError);
    assert.deepEqual(events.events[1]?.details, { table: 'users', column: 'email', keyId: null, reason: 'malformed' });
    const logged = JSON.stringify(events.events);
    assert.ok(!logged.includes('alice') && !logged.includes(stored.split('.')[3]!));
    crypto.onApplicationShutdown();
  });

  it('logs each security event as one structured pino line', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const events = new LoggingSecurityEvents(pino({ level: 'info' }, sink));
    events.record('decryption_failure', { table: 'users', column: 'email', keyId: 'k1', reason: 'unknown-key' });
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(line.level, 40);
    assert.equal(line.securityEvent, true);
    assert.equal(line.type, 'decryption_failure');
    assert.equal(line.table, 'users');
    assert.equal(line.column, 'email');
    assert.equal(line.keyId, 'k1');
  });
});

describe('field crypto holder (keys for @EncryptedColumn transformers)', () => {
  it('uses the most recently started app and hands back to the previous one when it closes', () => {
    const first = fieldCrypto(new RecordingEvents(), 'first');
    assert.equal(currentFieldCrypto(), first);
    const second = fieldCrypto(new RecordingEvents(), 'second');
    assert.equal(currentFieldCrypto(), second);
    second.onApplicationShutdown();
    assert.equal(currentFieldCrypto(), first);
    first.onApplicationShutdown();
    assert.throws(() => currentFieldCrypto(), /not initialised/);
  });

  it('ignores uninstalling something never installed and supports re-installation', () => {
    const crypto = fieldCrypto(new RecordingEvents());
    uninstallFieldCrypto(crypto);
    uninstallFieldCrypto(crypto);
    assert.throws(() => currentFieldCrypto());
    installFieldCrypto(crypto);
    assert.equal(currentFieldCrypto(), crypto);
    uninstallFieldCrypto(crypto);
  });
});
