import { ApiProperty } from '@nestjs/swagger';

/** Login and refresh responses (docs/http-contract.md#auth). */
export class TokenPairView {
  @ApiProperty({ description: 'A JWT for the Authorization header (`Bearer …`).' })
  accessToken: string;
  @ApiProperty({ description: 'Single use: exchange it at POST /api/v1/auth/refresh for a new pair.' })
  refreshToken: string;
  @ApiProperty({ enum: ['Bearer'] })
  tokenType: 'Bearer';
  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires.' })
  expiresIn: number;
}
