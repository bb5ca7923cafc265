import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { Audited } from '../audit/audited.decorator.js';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/access/access.decorators.js';
import { CurrentPerson } from '../auth/access/current-principal.decorator.js';
import type { ExternalUserPrincipal, UserPrincipal } from '../auth/access/principal.js';
import { PaginationQuery, type Page } from '../common/pagination.query.js';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import type { UserView } from './user-view.js';
import { UsersAdminService } from './users-admin.service.js';

/** User administration (docs/http-contract.md#users): admins only (OWASP API5:2023 function-level authorization). */
@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller({ path: 'users', version: '1' })
export class UsersAdminController {
  constructor(private readonly admin: UsersAdminService) {}

  @Audited('user.list')
  @Get()
  list(@Query() query: PaginationQuery): Promise<Page<UserView>> {
    return this.admin.list(query.page, query.limit);
  }

  @Audited('user.read')
  @Get(':id')
  get(@Param('id', uuidParam()) id: string): Promise<UserView> {
    return this.admin.get(id);
  }

  @Audited('user.update')
  @Patch(':id')
  update(
    @CurrentPerson() actor: UserPrincipal | ExternalUserPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return this.admin.update(actor, id, body);
  }
}
