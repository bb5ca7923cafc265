import { ApiPropertyOptional } from '../../http/openapi-declarations.js';
import { IsBoolean, IsIn } from 'class-validator';
import { Optional } from '../../common/optional.decorator.js';
import { ROLES, type Role } from '../../access/access.decorators.js';

/** What an admin may change on an account; anything else in the body is a 400 (mass assignment). */
export class UpdateUserDto {
  @ApiPropertyOptional({ enum: ROLES })
  @Optional()
  @IsIn(ROLES)
  role?: Role;

  @ApiPropertyOptional()
  @Optional()
  @IsBoolean()
  disabled?: boolean;
}
