import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
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
import { buildOpenApiDocument } from '../../../src/openapi/openapi.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { expectedAuditEvents, violationsOf, type Violation } from './invariants.js';
import { Neighbour } from './neighbour.js';
import { operationsOf, type Operation } from './openapi-operations.js';
import { checkProperty, type Outcome } from './property-runner.js';

/**
 * Property-based attacks on every operation of the OpenAPI document (docs/testing.md): as
 * nobody, a user, an admin, an API key and a forged credential, with generated hostile paths,
 * queries, headers and bodies, each measured against the database. A failure prints the broken
 * invariant, the exchange and the command that replays it.
 */
describe('property-based attacks on every route of the OpenAPI document', () => {
  let t: TestApp;
  let cast: Cast;
  let neighbour: Neighbour;
  let operations: Operation[];
  /** Route templates as the audit records them (`/api/v1/notes/:id`). */
  let templates: Set<string>;
  let contract: OpenApiContract;

  before(async () => {
    const admin = { email: 'fuzz-admin@example.com', password: strongPassword() };
    t = await startTestApp({
      BOOTSTRAP_ADMIN_EMAIL: admin.email,
      BOOTSTRAP_ADMIN_PASSWORD: admin.password,
      // Generated change-password attempts guess the attackers' own passwords; the lockout has
      // its own tests, and here it would lock the attackers out of every later operation.
      LOGIN_MAX_FAILURES: '1000',
    });
    cast = await Cast.assemble(t, admin);
    neighbour = await Neighbour.arrive(t);
    const all = operationsOf(t.app);
    contract = new OpenApiContract(buildOpenApiDocument(t.app));
    templates = new Set(all.map((operation) => operation.template.replace(/\{(\w+)\}/g, ':$1')));
    // An exact key (as printed in a replay command) picks that operation alone; other text filters.
    const exact = all.filter((operation) => operation.key === settings.only);
    operations = exact.length > 0 ? exact : all.filter((operation) => operation.key.includes(settings.only));
  });
  after(async () => t?.close());

  const replay = (test: string, operation: string) => (path?: string) =>
    `FUZZ_SEED=${settings.seed} FUZZ_ONLY='${operation}'${path ? ` FUZZ_PATH='${path}'` : ''}` +
    `${t.db.kind === 'postgres' ? ' TEST_DATABASE=postgres' : ''} node_modules/.bin/node --test --test-name-pattern='${test}' ` +
    'build/test/e2e/fuzz/every-route-attacked.e2e.test.js';

  /** One attack, alone: measured against the audit table and every business table. */
  async function attackAlone(operation: Operation, generated: Attack): Promise<Outcome> {
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
    const violations = violationsOf(
      generated,
      { response, auditEventsAdded, stateChanged, routed },
      { operation: operation.key, contract },
    );
    // A request that changed something may have ended a session or deleted a target.
    if (response.status < 400 && operation.method !== 'GET') await cast.heal();
    return { violations, exchange: describeExchange(request, response, t.db.kind) };
  }

  /** One attack sent together with an honest neighbour's edit, so both can share an audit batch. */
  async function attackBesideNeighbour(operation: Operation, generated: Attack): Promise<Outcome> {
    const request = requestOf(operation, generated, cast);
    const title = `neighbour ${randomUUID()}`;
    const before = await neighbour.title();
    const auditBefore = await auditEventCount(t);
    // Requests of different speeds (a refusal without credentials, an authenticated read, an
    // edit) so that one of them tends to share the attack's audit batch, whoever the attacker is.
    const [response, knockStatus, readStatus, neighbourStatus] = await Promise.all([
      sendRaw(t, request),
      neighbour.knock(),
      neighbour.read(),
      neighbour.rename(title),
    ]);
    const auditEventsAdded = (await auditEventCount(t)) - auditBefore;
    const after = await neighbour.title();
    const violations: Violation[] = [];
    if (response.status >= 500) violations.push({ invariant: 'never a 5xx', detail: `status ${response.status}` });
    const answeredFor = generated.spelling.kind === 'canonical' ? operation.key : undefined;
    for (const detail of answeredFor ? contract.violations(answeredFor, response) : contract.problemViolations(response)) {
      violations.push({ invariant: 'every response is documented in the OpenAPI document', detail });
    }
    if (neighbourStatus !== 200) {
      violations.push({
        invariant: "one bad request never fails its neighbour's",
        detail: `the neighbour's PATCH answered ${neighbourStatus}`,
      });
    }
    if (knockStatus !== 401) {
      violations.push({
        invariant: "one bad request never fails its neighbour's",
        detail: `the neighbour's anonymous GET answered ${knockStatus}, not 401`,
      });
    }
    if (readStatus !== 200) {
      violations.push({
        invariant: "one bad request never fails its neighbour's",
        detail: `the neighbour's read answered ${readStatus}, not 200`,
      });
    }
    if (neighbourStatus !== 200 && after !== before) {
      violations.push({
        invariant: 'no side effect without a recorded event',
        detail: `the neighbour's PATCH answered ${neighbourStatus} but applied`,
      });
    }
    const expected = expectedAuditEvents(generated, response.status) + 3;
    if (auditEventsAdded !== expected) {
      violations.push({
        invariant: 'exactly one audit event per request',
        detail: `${auditEventsAdded} events for the attack and its neighbour's three requests, expected ${expected}`,
      });
    }
    if (response.status < 400 && operation.method !== 'GET') await cast.heal();
    const exchange = `${describeExchange(request, response, t.db.kind)}\n  neighbour: GET without credentials → ${knockStatus}, GET → ${readStatus}, PATCH its own note → ${neighbourStatus}`;
    return { violations, exchange };
  }

  it('attacks every operation and keeps every invariant', async (ctx) => {
    assert.ok(operations.length > 0, `no operation matches FUZZ_ONLY=${settings.only}`);
    for (const operation of operations) {
      await ctx.test(operation.key, async () => {
        await checkProperty(operation.key, attackOn(operation, cast), (generated) => attackAlone(operation, generated), {
          seed: seedFor(operation.key),
          runs: settings.runs,
          replay: replay('attacks every operation', operation.key),
        });
        const chain = await verifyAuditChain(t);
        assert.ok(chain.valid, `the audit chain no longer verifies after attacking ${operation.key}: ${JSON.stringify(chain)}`);
      });
    }
  });

  it("never lets an attack fail an honest neighbour's request", async () => {
    const attacks = fc
      .constantFrom(...operations)
      .chain((operation) => attackOn(operation, cast).map((attack) => ({ operation, attack })));
    await checkProperty(
      'attack beside a neighbour',
      attacks,
      ({ operation, attack }) => attackBesideNeighbour(operation, attack),
      {
        seed: seedFor('neighbour'),
        runs: settings.runs * 2,
        replay: replay('honest neighbour', settings.only),
      },
    );
    const chain = await verifyAuditChain(t);
    assert.ok(chain.valid, `the audit chain no longer verifies: ${JSON.stringify(chain)}`);
  });
});
