import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { UserSessionsAdminController } from './user-sessions-admin.controller.js';
import { UsersAdminController } from './users-admin.controller.js';
import { UsersAdminService } from './users-admin.service.js';

/** Account administration (docs/http-contract.md#users): list, read, change role, disable, end every session. */
@Module({
  imports: [AuthModule, UsersModule],
  controllers: [UsersAdminController, UserSessionsAdminController],
  providers: [UsersAdminService],
})
export class UsersAdminModule {}
