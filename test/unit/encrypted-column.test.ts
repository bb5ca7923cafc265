import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Entity, getMetadataArgsStorage } from 'typeorm';
import { EncryptedColumn } from '../../src/crypto/encrypted-column.decorator.js';
import { encryptedPropertiesOf, isEncryptedProperty, listEncryptedColumns } from '../../src/crypto/encrypted-columns.registry.js';
import type { EncryptedTransformer } from '../../src/crypto/encrypted.transformer.js';
import { FieldCipher } from '../../src/crypto/field-cipher.js';
import { FieldCrypto } from '../../src/crypto/field-crypto.js';
import { Keyring } from '../../src/crypto/keyring.js';
import { SecurityEvents } from '../../src/security-events/security-events.js';

@Entity('medical_records')
class MedicalRecord {
  @EncryptedColumn()
  diagnosis: string;

  @EncryptedColumn({ name: 'doctor_notes', nullable: true })
  doctorNotes: string | null;

  @EncryptedColumn({ binding: { table: 'old_records', column: 'old_name' } })
  renamed: string;
}

@Entity()
class PatientContact {
  @EncryptedColumn()
  phone: string;
}

class NotAnEntity {
  @EncryptedColumn()
  value: string;
}

class NoEvents extends SecurityEvents {
  record(): void {}
}

function transformerOf(entity: object, property: string): EncryptedTransformer {
  const found = listEncryptedColumns().find((column) => column.entity === entity && column.propertyName === property);
  assert.ok(found, `${property} is not registered`);
  return found;
}

describe('@EncryptedColumn', () => {
  let crypto: FieldCrypto;
  before(() => {
    crypto = new FieldCrypto(new FieldCipher(Keyring.fromConfig([{ id: 'k1', key: randomBytes(32) }])), new NoEvents());
  });
  after(() => crypto.onApplicationShutdown());

  it('declares a nullable-or-not text column with a transformer', () => {
    const columns = getMetadataArgsStorage().columns.filter((column) => column.target === MedicalRecord);
    const byProperty = new Map(columns.map((column) => [column.propertyName, column.options]));
    assert.equal(byProperty.get('diagnosis')?.type, 'text');
    assert.equal(byProperty.get('diagnosis')?.nullable, false);
    assert.equal(byProperty.get('doctorNotes')?.nullable, true);
    assert.equal(byProperty.get('doctorNotes')?.name, 'doctor_notes');
    assert.ok(byProperty.get('diagnosis')?.transformer);
  });

  it('registers every encrypted property by entity class (for audit redaction and reencrypt)', () => {
    assert.deepEqual(encryptedPropertiesOf(MedicalRecord), ['diagnosis', 'doctorNotes', 'renamed']);
    assert.ok(isEncryptedProperty(PatientContact, 'phone'));
    assert.ok(!isEncryptedProperty(PatientContact, 'name'));
  });

  it('binds values to the table and column from the entity metadata, or to a pinned binding', () => {
    assert.deepEqual(transformerOf(MedicalRecord, 'diagnosis').binding, { table: 'medical_records', column: 'diagnosis' });
    assert.deepEqual(transformerOf(MedicalRecord, 'doctorNotes').binding, { table: 'medical_records', column: 'doctor_notes' });
    assert.deepEqual(transformerOf(PatientContact, 'phone').binding, { table: 'patient_contact', column: 'phone' });
    assert.deepEqual(transformerOf(MedicalRecord, 'renamed').binding, { table: 'old_records', column: 'old_name' });
    assert.throws(() => transformerOf(NotAnEntity, 'value').binding, /@Entity/);
  });

  it('encrypts on write and decrypts on read; null stays null; non-strings are refused', () => {
    const transformer = transformerOf(MedicalRecord, 'diagnosis');
    const stored = transformer.to('flu');
    assert.equal(typeof stored, 'string');
    assert.match(String(stored), /^v1\.k1\./);
    assert.equal(transformer.from(stored), 'flu');
    assert.equal(transformer.to(null), null);
    assert.equal(transformer.from(null), null);
    assert.throws(() => transformer.to(42), TypeError);
    // Bound to its own column: the same value read through another column's transformer fails.
    assert.throws(() => transformerOf(MedicalRecord, 'doctorNotes').from(stored), /could not be decrypted/);
  });

  it('fails closed when no application has installed its keys', () => {
    crypto.onApplicationShutdown();
    try {
      assert.throws(() => transformerOf(MedicalRecord, 'diagnosis').to('flu'), /not initialised/);
    } finally {
      crypto = new FieldCrypto(new FieldCipher(Keyring.fromConfig([{ id: 'k1', key: randomBytes(32) }])), new NoEvents());
    }
  });
});
