/** Login and refresh responses (docs/http-contract.md#auth). */
export interface TokenPairView {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
