import { Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { SecurityEvents } from '../security-events/security-events.js';
import { BlindIndexService } from './blind-index.service.js';
import { FieldCipher } from './field-cipher.js';
import { FieldCrypto } from './field-crypto.js';
import { Keyring } from './keyring.js';

/**
 * Data protection at rest: keys imported once from the validated config, the field cipher
 * (installed for @EncryptedColumn transformers by FieldCrypto) and the blind index. Global,
 * because any feature module's entities may hold encrypted fields. The Keyring and FieldCipher
 * stay private: nothing else builds ciphers for fields (docs/architecture.md#crypto-behind-two-small-seams).
 */
@Global()
@Module({
  providers: [
    { provide: Keyring, useFactory: (config: AppConfig) => Keyring.fromConfig(config.fieldEncryptionKeys), inject: [APP_CONFIG] },
    { provide: FieldCipher, useFactory: (keyring: Keyring) => new FieldCipher(keyring), inject: [Keyring] },
    {
      provide: FieldCrypto,
      useFactory: (cipher: FieldCipher, events: SecurityEvents) => new FieldCrypto(cipher, events),
      inject: [FieldCipher, SecurityEvents],
    },
    {
      provide: BlindIndexService,
      useFactory: (config: AppConfig) => new BlindIndexService(config.blindIndexKey),
      inject: [APP_CONFIG],
    },
  ],
  exports: [FieldCrypto, BlindIndexService],
})
export class CryptoModule {}
