import { NestFactory } from '@nestjs/core';
import { AppModule } from '../../app.module.js';
import { AuditVerifier } from '../../audit/audit-verifier.js';
import type { CliCommand } from '../cli-command.js';

/** `npm run cli -- audit-verify`: exit 0 if the chain is intact, 1 otherwise (API.md §9). */
export const auditVerifyCommand: CliCommand = {
  name: 'audit-verify',
  summary: 'recompute the audit hash chain (exit 1 if broken)',
  needsConfig: true,
  async run(_args, config) {
    const context = await NestFactory.createApplicationContext(AppModule.register(config!), {
      abortOnError: false,
      bufferLogs: true,
    });
    try {
      const result = await context.get(AuditVerifier).verify();
      process.stdout.write(`${JSON.stringify(result)}\n`);
      return result.valid ? 0 : 1;
    } finally {
      await context.close();
    }
  },
};
