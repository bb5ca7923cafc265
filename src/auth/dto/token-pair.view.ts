import { ApiProperty } from '../../http/openapi-declarations.js';

/** Login and refresh responses (docs/http-contract.md#auth). */
export class TokenPairView {
  @ApiProperty({ description: 'A JWT for the Authorization header (`Bearer …`).' })
  accessToken: string;
  @ApiProperty({ description: 'Single use: exchange it at POST /api/v1/auth/refresh for a new pair.' })
  refreshToken: string;
  /** `DPoP` when the login or refresh carried a DPoP proof: the tokens are bound to its key (RFC 9449 §5). */
  @ApiProperty({
    enum: ['Bearer', 'DPoP'],
    description: '`DPoP` when the request carried a DPoP proof: send the token as `Authorization: DPoP …` with a fresh proof.',
  })
  tokenType: 'Bearer' | 'DPoP';
  @ApiProperty({ type: 'integer', description: 'Seconds until the access token expires.' })
  expiresIn: number;
}
