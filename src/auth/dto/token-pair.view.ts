/** Login and refresh responses (docs/http-contract.md#auth). */
export interface TokenPairView {
  accessToken: string;
  refreshToken: string;
  /** `DPoP` when the login or refresh carried a DPoP proof: the tokens are bound to its key (RFC 9449 §5). */
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
}
