import { ApiProperty, ApiPropertyOptional } from '../../http/openapi-declarations.js';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsString, Length, Max, Min, Validate } from 'class-validator';
import { DistinctItems } from '../../common/distinct-items.decorator.js';
import { Optional } from '../../common/optional.decorator.js';
import { SingleLine } from '../../common/single-line.decorator.js';
import type { Scope } from '../../access/access.decorators.js';
import { SCOPES } from '../../access/scopes.js';
import { CidrConstraint } from './cidr.constraint.js';

export class CreateApiKeyDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  @SingleLine()
  name: string;

  @ApiProperty({ enum: SCOPES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SCOPES.length)
  @DistinctItems()
  @IsIn(SCOPES, { each: true })
  scopes: Scope[];

  /** CIDRs (IPv4 or IPv6) or single addresses; an invalid entry is a 400 at creation. */
  @ApiPropertyOptional({ type: [String], example: ['203.0.113.0/24', '2001:db8::/32'] })
  @Optional()
  @IsArray()
  @ArrayMaxSize(50)
  @Validate(CidrConstraint, { each: true })
  allowedIps?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 365, default: 90 })
  @Optional()
  @IsInt()
  @Min(1)
  @Max(365)
  expiresInDays?: number;
}
