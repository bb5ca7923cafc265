import { ApiPropertyOptional } from '../../http/openapi-declarations.js';
import { IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { IsStrictIsoDateTime } from '../../common/iso-date-time.decorator.js';
import { PaginationQuery } from '../../common/pagination.query.js';

export class AuditEventsQuery extends PaginationQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  requestId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  actorId?: string;

  /** YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS[.sss]] with Z or ±HH:MM; nothing else (src/common/iso-date-time.decorator.ts). */
  @ApiPropertyOptional({ format: 'date-time', example: '2024-01-31T00:00:00Z' })
  @IsOptional()
  @IsStrictIsoDateTime()
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2024-02-01T00:00:00Z' })
  @IsOptional()
  @IsStrictIsoDateTime()
  to?: string;
}
