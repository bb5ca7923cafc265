import type { Type } from '@nestjs/common';
import { ApiProperty } from '../http/openapi-declarations.js';
import type { Page } from './pagination.query.js';

/**
 * The OpenAPI shape of `Page<T>` for one item view: `class NotePage extends PageOf(NoteView) {}`
 * gives the document a named `NotePage` schema with typed items, which client generators turn
 * into a real type (a generic would not survive into the document).
 */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageView implements Page<T> {
    @ApiProperty({ type: [item] })
    items: T[];
    @ApiProperty({ type: 'integer', minimum: 1 })
    page: number;
    @ApiProperty({ type: 'integer', minimum: 1, maximum: 100 })
    limit: number;
    @ApiProperty({ type: 'integer', minimum: 0, description: 'How many items all pages hold together.' })
    total: number;
  }
  return PageView;
}
