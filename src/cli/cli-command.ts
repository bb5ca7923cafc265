import type { AppConfig } from '../config/app-config.js';

/** One `npm run cli -- <name>` command. `run` returns the process exit code (src/cli/exit-codes.ts). */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** The flags, as printed by `cli <name> --help` (after "npm run cli -- <name>"). */
  readonly usage?: string;
  /** Commands that need no configuration (generate-secrets) set this to false. */
  readonly needsConfig: boolean;
  /**
   * Refuses a wrong command line before the configuration is read, so a typo is a usage error
   * (exit 2) that touches neither secrets nor the database. Returns why, or undefined.
   */
  checkArgs?(args: readonly string[]): string | undefined;
  run(args: readonly string[], config: AppConfig | undefined): Promise<number>;
}
