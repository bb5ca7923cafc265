import { Entity, Index } from 'typeorm';
import { BlindIndexColumn } from '../../../src/crypto/blind-index.column.js';
import { EncryptedColumn } from '../../../src/crypto/encrypted-column.decorator.js';
import { UuidPrimaryColumn } from '../../../src/database/columns/uuid-primary.column.js';

/** Test-only entity exercising encrypted columns and a blind index before the real ones exist. */
@Entity('crypto_probe')
export class CryptoProbe {
  @UuidPrimaryColumn()
  id: string;

  @EncryptedColumn()
  secret: string;

  @EncryptedColumn({ name: 'other_secret', nullable: true })
  otherSecret: string | null;

  @EncryptedColumn()
  email: string;

  @Index('uq_crypto_probe_email_hash', { unique: true })
  @BlindIndexColumn({ name: 'email_hash' })
  emailHash: string;
}
