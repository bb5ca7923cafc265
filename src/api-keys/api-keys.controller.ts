import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { Audited } from '../access/audited.decorator.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { ApiProblems } from '../http/api-problems.decorator.js';
import { Roles, StepUp } from '../access/access.decorators.js';
import { CurrentUser } from '../access/current-principal.decorator.js';
import type { UserPrincipal } from '../access/principal.js';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { ApiKeyListView, ApiKeyView, ApiKeyWithSecretView } from './api-key-view.js';
import { ApiKeysService, type ApiKeyWithSecret } from './api-keys.service.js';
import { CreateApiKeyDto } from './dto/create-api-key.dto.js';
import { RotateApiKeyDto } from './dto/rotate-api-key.dto.js';

/**
 * Key management (docs/http-contract.md#api-keys), with a user's bearer token only: no @Scopes here, so an API key
 * can never create, rotate or revoke keys (a stolen key cannot entrench itself).
 */
@ApiTags('api-keys')
@Roles('user', 'auditor', 'admin')
@Controller({ path: 'api-keys', version: '1' })
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Audited('api-key.create', 'response')
  @ApiOperation({ summary: 'Create an API key (its secret is shown once)' })
  @ApiCreatedResponse({ type: ApiKeyWithSecretView })
  @ApiProblems(409)
  @StepUp()
  @Post()
  create(@CurrentUser() owner: UserPrincipal, @Body() body: CreateApiKeyDto): Promise<ApiKeyWithSecret> {
    return this.keys.create(owner, body);
  }

  @Audited('api-key.list')
  @ApiOperation({ summary: 'List the caller’s API keys' })
  @ApiOkResponse({ type: ApiKeyListView })
  @Get()
  list(@CurrentUser() owner: UserPrincipal): Promise<{ items: ApiKeyView[] }> {
    return this.keys.list(owner);
  }

  @Audited('api-key.read')
  @ApiOperation({ summary: 'Read one of the caller’s API keys' })
  @ApiOkResponse({ type: ApiKeyView })
  @Get(':id')
  get(@CurrentUser() owner: UserPrincipal, @Param('id', uuidParam()) id: string): Promise<ApiKeyView> {
    return this.keys.get(owner, id);
  }

  @Audited('api-key.rotate')
  @ApiOperation({ summary: 'Replace an API key by a new one (the old one works for a grace period)' })
  @ApiCreatedResponse({ type: ApiKeyWithSecretView })
  @ApiProblems(409)
  @StepUp()
  @Post(':id/rotate')
  rotate(
    @CurrentUser() owner: UserPrincipal,
    @Param('id', uuidParam()) id: string,
    @Body() body: RotateApiKeyDto,
  ): Promise<ApiKeyWithSecret> {
    return this.keys.rotate(owner, id, body.gracePeriodSeconds);
  }

  @Audited('api-key.revoke')
  @ApiOperation({ summary: 'Revoke an API key' })
  @ApiNoContentResponse()
  @Delete(':id')
  @HttpCode(204)
  async revoke(@CurrentUser() owner: UserPrincipal, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.keys.revoke(owner, id);
  }
}
