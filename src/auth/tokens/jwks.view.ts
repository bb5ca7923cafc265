import { ApiProperty } from '../../http/openapi-declarations.js';
import type { PublicJwk } from './jwt-key-set.js';

/** One public verification key (RFC 7517), as GET /.well-known/jwks.json publishes it. */
export class PublicJwkView implements PublicJwk {
  @ApiProperty({ enum: ['EC'] })
  kty: string;
  @ApiProperty({ enum: ['P-256'] })
  crv: string;
  @ApiProperty()
  x: string;
  @ApiProperty()
  y: string;
  @ApiProperty({ description: 'RFC 7638 thumbprint of the key.' })
  kid: string;
  @ApiProperty({ enum: ['ES256'] })
  alg: 'ES256';
  @ApiProperty({ enum: ['sig'] })
  use: 'sig';
}

/** The JWK set: the current signing key and any still accepted for verification. */
export class JwksView {
  @ApiProperty({ type: [PublicJwkView] })
  keys: PublicJwkView[];
}
