/** Login and refresh responses (API.md §2). */
export interface TokenPairView {
  accessToken: string;
  refreshToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}
