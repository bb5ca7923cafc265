import { Body, Controller, Get, Param, Patch, Query } from '@nestjs/common';
import { Audited } from '../access/audited.decorator.js';
import { ApiOkResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { Roles, StepUp } from '../access/access.decorators.js';
import { CurrentPerson } from '../access/current-principal.decorator.js';
import type { ExternalUserPrincipal, UserPrincipal } from '../access/principal.js';
import { PaginationQuery, type Page } from '../common/pagination.query.js';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { UpdateUserDto } from './dto/update-user.dto.js';
import { UserPage, UserView } from '../users/user-view.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { UsersAdminService } from './users-admin.service.js';

/** User administration (docs/http-contract.md#users): admins only (OWASP API5:2023 function-level authorization). */
@ApiTags('users')
@Roles('admin')
@Controller({ path: 'users', version: '1' })
export class UsersAdminController {
  constructor(private readonly admin: UsersAdminService) {}

  @Audited('user.list')
  @ApiOperation({ summary: 'List accounts' })
  @ApiOkResponse({ type: UserPage })
  @Get()
  list(@Query() query: PaginationQuery): Promise<Page<UserView>> {
    return this.admin.list(query.page, query.limit);
  }

  @Audited('user.read')
  @ApiOperation({ summary: 'Read an account' })
  @ApiOkResponse({ type: UserView })
  @Get(':id')
  get(@Param('id', uuidParam()) id: string): Promise<UserView> {
    return this.admin.get(id);
  }

  @Audited('user.update')
  @ApiOperation({ summary: 'Change an account’s role or disable it' })
  @ApiOkResponse({ type: UserView })
  @ApiProblems(409)
  @StepUp()
  @Patch(':id')
  update(
    @CurrentPerson() actor: UserPrincipal | ExternalUserPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateUserDto,
  ): Promise<UserView> {
    return this.admin.update(actor, id, body);
  }
}
