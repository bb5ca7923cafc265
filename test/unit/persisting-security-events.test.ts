import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MetricsRegistry } from '../../src/metrics/metrics.registry.js';
import { PersistingSecurityEvents, type SecurityEventSink } from '../../src/security-events/persisting-security-events.js';
import type { SecurityEventRecord } from '../../src/security-events/security-event.entity.js';

class MemorySink implements SecurityEventSink {
  rows: SecurityEventRecord[] = [];
  batches = 0;
  failing = false;
  async write(records: readonly SecurityEventRecord[]): Promise<void> {
    if (this.failing) throw new Error('database is gone');
    this.batches++;
    this.rows.push(...records);
  }
}

class MemoryLogger {
  lines: object[] = [];
  errors: object[] = [];
  warn(obj: object): void {
    this.lines.push(obj);
  }
  error(obj: object): void {
    this.errors.push(obj);
  }
}

async function counter(metrics: MetricsRegistry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await metrics.registry.getSingleMetric(name)?.get();
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}

/**
 * Security events feed the log, the metrics and the security_events table (docs/architecture.md#logs-audit-and-security-events-are-different-things,
 * ASVS 16.3): recording never throws or blocks, rows are written in batches, and the queue is
 * bounded so a flood cannot exhaust memory (OWASP API4:2023), without losing events silently.
 */
describe('persisting security events', () => {
  it('logs, counts and stores each event, with ip and actor as their own fields', async () => {
    const sink = new MemorySink();
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const events = new PersistingSecurityEvents(sink, logger, metrics, { flushDelayMs: 10_000 });
    const userId = '6f1c1a9e-7c1b-4a44-9d0b-2f4d0c1e9a10';
    events.record('refresh_token_reuse', { ip: '192.0.2.1', userId, sessionId: 's1', note: 'x'.repeat(500), gone: undefined });
    await events.flush();
    assert.equal(logger.lines.length, 1);
    assert.equal(await counter(metrics, 'security_events_total', { type: 'refresh_token_reuse' }), 1);
    const [row] = sink.rows;
    assert.equal(row?.type, 'refresh_token_reuse');
    assert.equal(row?.ip, '192.0.2.1');
    assert.equal(row?.actorId, userId);
    assert.deepEqual(Object.keys(row?.details ?? {}).sort(), ['note', 'sessionId']);
    assert.equal(String(row?.details.note).length, 200, 'long strings are cut');
  });

  it('writes in batches off the request path', async () => {
    const sink = new MemorySink();
    const events = new PersistingSecurityEvents(sink, new MemoryLogger(), new MetricsRegistry(), {
      batchSize: 10,
      flushDelayMs: 5,
    });
    for (let i = 0; i < 25; i++) events.record('client_blocked', { ip: '192.0.2.2' });
    assert.equal(sink.rows.length, 0, 'nothing is written synchronously');
    await new Promise((resolve) => setTimeout(resolve, 50));
    await events.flush();
    assert.equal(sink.rows.length, 25);
    assert.equal(sink.batches, 3);
  });

  it('bounds the queue: past maxPending an event is logged and counted as dropped, never queued', async () => {
    const sink = new MemorySink();
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const events = new PersistingSecurityEvents(sink, logger, metrics, { maxPending: 5, flushDelayMs: 10_000 });
    for (let i = 0; i < 8; i++) events.record('injection_attempt', { ip: '192.0.2.3' });
    assert.equal(events.pending, 5);
    assert.equal(logger.lines.length, 8, 'every event is still logged');
    assert.equal(await counter(metrics, 'security_events_dropped_total'), 3);
    await events.onModuleDestroy();
    assert.equal(sink.rows.length, 5, 'shutdown flushes what was queued');
  });

  it('never throws to the caller, even when the database fails', async () => {
    const sink = new MemorySink();
    sink.failing = true;
    const logger = new MemoryLogger();
    const metrics = new MetricsRegistry();
    const events = new PersistingSecurityEvents(sink, logger, metrics, { flushDelayMs: 10_000 });
    assert.doesNotThrow(() => events.record('decryption_failure', { table: 'notes' }));
    await events.flush();
    assert.equal(logger.errors.length, 1);
    assert.equal(await counter(metrics, 'security_events_dropped_total'), 1);
    assert.equal(events.pending, 0, 'a failed batch does not pile up');
  });
});
