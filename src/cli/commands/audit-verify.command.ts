import { AuditVerifier } from '../../audit/audit-verifier.js';
import { describeError } from '../../logging/error-serializer.js';
import { openAppContext } from '../cli-app-context.js';
import type { CliCommand } from '../cli-command.js';
import { EXIT } from '../exit-codes.js';
import { parseFlags } from '../parse-flags.js';

/**
 * `npm run --silent cli -- audit-verify`: recomputes the hash chain and prints the result as one
 * JSON line on stdout. Exit 0 intact, 1 tampered (the chain is broken), 3 cannot check (the
 * database is unreachable, the schema is not migrated...): a monitor must not mistake "could
 * not look" for "tampered", nor the reverse (docs/operations.md).
 */
export const auditVerifyCommand: CliCommand = {
  name: 'audit-verify',
  summary: 'recompute the audit hash chain: exit 0 intact, 1 tampered, 3 cannot check',
  needsConfig: true,
  checkArgs(args) {
    const flags = parseFlags(args, {});
    return flags.ok ? undefined : flags.error;
  },
  async run(_args, config) {
    let context;
    try {
      context = await openAppContext(config!);
    } catch (error) {
      process.stderr.write(`audit-verify: cannot check the chain: ${describeError(error)}\n`);
      return EXIT.cannotRun;
    }
    try {
      const result = await context.get(AuditVerifier).verify();
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.valid ? EXIT.ok : EXIT.refused;
    } catch (error) {
      process.stderr.write(`audit-verify: cannot check the chain: ${describeError(error)}\n`);
      return EXIT.cannotRun;
    } finally {
      await context.close();
    }
  },
};
