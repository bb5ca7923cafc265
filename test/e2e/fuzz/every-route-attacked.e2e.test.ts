import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { auditEventCount, latestAuditRoute, stateFingerprint, verifyAuditChain } from '../../support/fuzz-app-state.js';
import { sendRaw } from '../../support/fuzz-raw-request.js';
import { strongPassword } from '../../support/identity.js';
import { startTestApp, type TestApp } from '../../support/test-app.js';
import { attackOn, requestOf, type Attack } from './attack.js';
import { Cast } from './attackers.js';
import { describeExchange } from './describe-exchange.js';
import { seedFor, settings } from './fuzz-settings.js';
import { violationsOf, type Violation } from './invariants.js';
import { operationsOf, type Operation } from './openapi-operations.js';

/**
 * Property-based attacks on every operation of the OpenAPI document (docs/testing.md): as
 * nobody, a user, an admin, an API key and a forged credential, with generated hostile paths,
 * queries, headers and bodies, one request at a time, each measured against the database.
 * A failure prints the broken invariant, the exchange and the command that replays it.
 */
describe('property-based attacks on every route of the OpenAPI document', () => {
  let t: TestApp;
  let cast: Cast;
  let operations: Operation[];
  /** Route templates as the audit records them (`/api/v1/notes/:id`). */
  let templates: Set<string>;

  before(async () => {
    const admin = { email: 'fuzz-admin@example.com', password: strongPassword() };
    t = await startTestApp({ BOOTSTRAP_ADMIN_EMAIL: admin.email, BOOTSTRAP_ADMIN_PASSWORD: admin.password });
    cast = await Cast.assemble(t, admin);
    const all = operationsOf(t.app);
    templates = new Set(all.map((operation) => operation.template.replace(/\{(\w+)\}/g, ':$1')));
    operations = all.filter((operation) => operation.key.includes(settings.only));
  });
  after(async () => t?.close());

  /** Sends one attack and measures it; returns what it broke, with the exchange for the message. */
  async function attack(operation: Operation, generated: Attack): Promise<{ violations: Violation[]; exchange: string }> {
    const request = requestOf(operation, generated, cast);
    const auditBefore = await auditEventCount(t);
    const stateBefore = await stateFingerprint(t);
    const response = await sendRaw(t, request);
    const auditEventsAdded = (await auditEventCount(t)) - auditBefore;
    const stateChanged = response.status >= 400 && (await stateFingerprint(t)) !== stateBefore;
    const auditRoute = auditEventsAdded > 0 ? await latestAuditRoute(t) : undefined;
    const routed =
      (response.status >= 200 && response.status < 300) ||
      (response.status !== 404 && auditRoute !== undefined && templates.has(auditRoute));
    const violations = violationsOf(generated, { response, auditEventsAdded, stateChanged, routed });
    // A request that changed something may have ended a session or deleted a target.
    if (response.status < 400 && operation.method !== 'GET') await cast.heal();
    return { violations, exchange: describeExchange(request, response, t.db.kind) };
  }

  function replay(operation: Operation, path?: string): string {
    return (
      `FUZZ_SEED=${settings.seed} FUZZ_ONLY='${operation.key}'${path ? ` FUZZ_PATH='${path}'` : ''}` +
      `${t.db.kind === 'postgres' ? ' TEST_DATABASE=postgres' : ''} node --test build/test/e2e/fuzz/every-route-attacked.e2e.test.js`
    );
  }

  it('attacks every operation and keeps every invariant', async (ctx) => {
    assert.ok(operations.length > 0, `no operation matches FUZZ_ONLY=${settings.only}`);
    for (const operation of operations) {
      await ctx.test(operation.key, async () => {
        const seed = seedFor(operation.key);
        const seen = new Map<string, { count: number; example: string }>();
        const details = await fc.check(
          fc.asyncProperty(attackOn(operation, cast), async (generated) => {
            const { violations, exchange } = await attack(operation, generated);
            if (violations.length === 0) return;
            if (settings.survey) {
              for (const v of violations) {
                const entry = seen.get(v.invariant) ?? { count: 0, example: `${v.detail}\n${exchange}` };
                seen.set(v.invariant, { ...entry, count: entry.count + 1 });
              }
              return;
            }
            throw new Error(`${violations.map((v) => `invariant "${v.invariant}" broken: ${v.detail}`).join('\n')}\n${exchange}`);
          }),
          { seed, numRuns: settings.runs, ...(settings.path ? { path: settings.path } : {}) },
        );
        if (details.failed) {
          const cause = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
          assert.fail(
            `${operation.key}: ${cause}\n  fast-check: seed ${details.seed}, path ${details.counterexamplePath}, ` +
              `shrunk ${details.numShrinks} times, after ${details.numRuns} runs\n` +
              `  counterexample: ${fc.stringify(details.counterexample)}\n  replay: ${replay(operation, details.counterexamplePath ?? undefined)}`,
          );
        }
        if (seen.size > 0) {
          assert.fail(
            [...seen]
              .map(([invariant, { count, example }]) => `${operation.key}: "${invariant}" broken ${count}× — first: ${example}`)
              .join('\n\n') + `\n  replay: ${replay(operation)} (with FUZZ_SURVEY=1)`,
          );
        }
        const chain = await verifyAuditChain(t);
        assert.ok(chain.valid, `the audit chain no longer verifies after attacking ${operation.key}: ${JSON.stringify(chain)}`);
      });
    }
  });
});
