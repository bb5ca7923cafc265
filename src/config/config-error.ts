/**
 * Raised when the environment cannot produce a safe configuration. The message always names
 * the variable, so an operator knows what to fix (ASVS 13.3: secrets are checked at start).
 */
export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}
