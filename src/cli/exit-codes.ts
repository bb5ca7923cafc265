/**
 * Exit codes shared by every CLI command, so scripts can branch on them (docs/operations.md,
 * "Command-line tools"). 1 is a command's own negative answer; 3 means no answer could be given.
 */
export const EXIT = {
  /** Done: created, verified intact, applied. */
  ok: 0,
  /** The command ran and the answer is no: the admin was refused, the audit chain is broken. */
  refused: 1,
  /** The command line is wrong (unknown command or flag, missing value): nothing was touched. */
  usage: 2,
  /** Could not run: invalid configuration, database or Redis unreachable, unexpected failure. */
  cannotRun: 3,
} as const;
