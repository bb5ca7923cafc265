import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { ApiKeyUsageTracker } from './api-key-usage.tracker.js';
import { ApiKeyAuthenticator } from './api-key.authenticator.js';
import { ApiKeysController } from './api-keys.controller.js';
import { ApiKeysService } from './api-keys.service.js';

@Module({
  imports: [UsersModule],
  controllers: [ApiKeysController],
  providers: [ApiKeysService, ApiKeyAuthenticator, ApiKeyUsageTracker],
  exports: [ApiKeysService, ApiKeyAuthenticator],
})
export class ApiKeysModule {}
