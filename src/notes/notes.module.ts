import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { CompiledNotesRepository } from './notes.compiled-queries.js';
import { NotesController } from './notes.controller.js';
import { NotesRepository } from './notes.repository.js';
import { NotesService } from './notes.service.js';

@Module({
  imports: [UsersModule],
  controllers: [NotesController],
  // The hot queries hand-compiled (notes.compiled-queries.ts); a copied resource binds its repository plainly.
  providers: [{ provide: NotesRepository, useClass: CompiledNotesRepository }, NotesService],
})
export class NotesModule {}
