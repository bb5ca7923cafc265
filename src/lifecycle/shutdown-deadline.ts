/** Time the steps after the HTTP drain (usage flush, audit drain, Redis, database) may take. */
export const SHUTDOWN_HOOKS_BUDGET_MS = 10_000;

/**
 * A last resort: if shutdown has not finished within the HTTP grace period plus the hooks'
 * budget (a database that hangs during the final flush, say), exit with status 1 and say so,
 * rather than wait for the orchestrator's SIGKILL with nothing in the logs. Armed by the first
 * SIGTERM or SIGINT; `once`, so the signal Nest re-raises after a clean shutdown ends the process.
 */
export function armShutdownDeadline(graceMs: number): void {
  const arm = (signal: NodeJS.Signals): void => {
    setTimeout(() => {
      console.error(`Shutdown after ${signal} did not finish within ${graceMs + SHUTDOWN_HOOKS_BUDGET_MS} ms; exiting`);
      process.exit(1);
    }, graceMs + SHUTDOWN_HOOKS_BUDGET_MS).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}
