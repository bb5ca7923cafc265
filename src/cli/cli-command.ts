import type { AppConfig } from '../config/app-config.js';

/** One `npm run cli -- <name>` command. `run` returns the process exit code. */
export interface CliCommand {
  readonly name: string;
  readonly summary: string;
  /** Commands that need no configuration (generate-secrets) set this to false. */
  readonly needsConfig: boolean;
  run(args: readonly string[], config: AppConfig | undefined): Promise<number>;
}
