import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { Audited } from '../access/audited.decorator.js';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '../http/openapi-declarations.js';
import { Roles, Scopes } from '../access/access.decorators.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import type { Principal } from '../access/principal.js';
import { PaginationQuery, type Page } from '../common/pagination.query.js';
import { uuidParam } from '../common/uuid-param.pipe.js';
import { CreateNoteDto } from './dto/create-note.dto.js';
import { ShareNoteDto } from './dto/share-note.dto.js';
import { UpdateNoteDto } from './dto/update-note.dto.js';
import { NotePage, NoteView } from './note-view.js';
import { NotesService } from './notes.service.js';

/**
 * Notes (docs/http-contract.md#notes). Every role may use notes for itself; API keys only where @Scopes says so
 * (deleting and sharing need the owner's bearer token). What a caller may do with a given note is
 * decided by the note policy inside the query, not here.
 */
@ApiTags('notes')
@Roles('user', 'auditor', 'admin')
@Controller({ path: 'notes', version: '1' })
export class NotesController {
  constructor(private readonly notes: NotesService) {}

  @Audited('note.create', 'response')
  @Scopes('notes:write')
  @ApiOperation({ summary: 'Create a note' })
  @ApiCreatedResponse({ type: NoteView })
  @Post()
  create(@CurrentPrincipal() actor: Principal, @Body() body: CreateNoteDto): Promise<NoteView> {
    return this.notes.create(actor, body);
  }

  @Audited('note.list')
  @Scopes('notes:read')
  @ApiOperation({ summary: 'List the notes the caller owns or that are shared with it' })
  @ApiOkResponse({ type: NotePage })
  @Get()
  list(@CurrentPrincipal() actor: Principal, @Query() query: PaginationQuery): Promise<Page<NoteView>> {
    return this.notes.list(actor, query.page, query.limit);
  }

  @Audited('note.read')
  @Scopes('notes:read')
  @ApiOperation({ summary: 'Read a note' })
  @ApiOkResponse({ type: NoteView })
  @Get(':id')
  get(@CurrentPrincipal() actor: Principal, @Param('id', uuidParam()) id: string): Promise<NoteView> {
    return this.notes.get(actor, id);
  }

  @Audited('note.update')
  @Scopes('notes:write')
  @ApiOperation({ summary: 'Change a note (its owner only)' })
  @ApiOkResponse({ type: NoteView })
  @Patch(':id')
  update(
    @CurrentPrincipal() actor: Principal,
    @Param('id', uuidParam()) id: string,
    @Body() body: UpdateNoteDto,
  ): Promise<NoteView> {
    return this.notes.update(actor, id, body);
  }

  @Audited('note.delete')
  @ApiOperation({ summary: 'Delete a note (its owner only)' })
  @ApiNoContentResponse()
  @Delete(':id')
  @HttpCode(204)
  async remove(@CurrentPrincipal() actor: Principal, @Param('id', uuidParam()) id: string): Promise<void> {
    await this.notes.remove(actor, id);
  }

  @Audited('note.share')
  @ApiOperation({ summary: 'Share a note with another user (read only)' })
  @ApiNoContentResponse()
  @Post(':id/shares')
  @HttpCode(204)
  async share(
    @CurrentPrincipal() actor: Principal,
    @Param('id', uuidParam()) id: string,
    @Body() body: ShareNoteDto,
  ): Promise<void> {
    await this.notes.share(actor, id, body.userId);
  }

  @Audited('note.unshare')
  @ApiOperation({ summary: 'Stop sharing a note with a user' })
  @ApiNoContentResponse()
  @Delete(':id/shares/:userId')
  @HttpCode(204)
  async unshare(
    @CurrentPrincipal() actor: Principal,
    @Param('id', uuidParam()) id: string,
    @Param('userId', uuidParam()) userId: string,
  ): Promise<void> {
    await this.notes.unshare(actor, id, userId);
  }
}
