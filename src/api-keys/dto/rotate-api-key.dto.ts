import { ApiPropertyOptional } from '../../http/openapi-declarations.js';
import { IsInt, Max, Min } from 'class-validator';
import { Optional } from '../../common/optional.decorator.js';

export class RotateApiKeyDto {
  /** How long the replaced secret keeps working (default 0: it stops at once); at most 7 days. */
  @ApiPropertyOptional({ minimum: 0, maximum: 604_800, default: 0 })
  @Optional()
  @IsInt()
  @Min(0)
  @Max(604_800)
  gracePeriodSeconds?: number;
}
