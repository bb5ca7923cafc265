import { Module } from '@nestjs/common';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { UserSessionsAdminController } from './user-sessions-admin.controller.js';
import { UsersAdminController } from './users-admin.controller.js';
import { UsersAdminService } from './users-admin.service.js';

@Module({
  imports: [AuthModule, ApiKeysModule],
  controllers: [UsersAdminController, UserSessionsAdminController],
  providers: [UsersAdminService],
})
export class UsersAdminModule {}
