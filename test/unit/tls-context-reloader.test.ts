import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TlsContextReloader, type TlsReloadLogger } from '../../src/tls/tls-context-reloader.js';
import { tlsServerOptions } from '../../src/tls/tls-server-options.js';
import { createExpiredCertificate, createSelfSignedCertificate, type TestCertificate } from '../support/self-signed-cert.js';
import { servedFingerprint, waitFor } from '../support/tls-client.js';

class RecordingLogger implements TlsReloadLogger {
  readonly lines: { level: 'info' | 'warn' | 'error'; obj: object; msg: string }[] = [];
  info(obj: object, msg: string): void {
    this.lines.push({ level: 'info', obj, msg });
  }
  warn(obj: object, msg: string): void {
    this.lines.push({ level: 'warn', obj, msg });
  }
  error(obj: object, msg: string): void {
    this.lines.push({ level: 'error', obj, msg });
  }
}

/** Certificate hot-reload on SIGHUP (file watching is proven end to end in test/e2e/tls.e2e.test.ts). */
describe('TLS context reloader', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let reloader: TlsContextReloader;
  let first: TestCertificate;
  let second: TestCertificate;
  const logger = new RecordingLogger();
  const files = () => ({ certFile: join(dir, 'tls.crt'), keyFile: join(dir, 'tls.key') });
  const install = (cert: Buffer | string, key: Buffer | string) => {
    writeFileSync(files().keyFile, key);
    writeFileSync(files().certFile, cert);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tls-unit-'));
    first = createSelfSignedCertificate(dir, 'first');
    second = createSelfSignedCertificate(dir, 'second');
    install(first.cert, first.key);
    server = createServer(tlsServerOptions(first), (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    reloader = new TlsContextReloader(server, files(), logger, { watchFiles: false });
    reloader.start();
  });
  after(async () => {
    reloader.close();
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('installs a renewed certificate on SIGHUP without restarting the server', async () => {
    assert.equal(await servedFingerprint(port), first.fingerprint256);
    install(second.cert, second.key);
    process.kill(process.pid, 'SIGHUP');
    await waitFor(async () => (await servedFingerprint(port)) === second.fingerprint256, 5000, 'the new certificate');
    assert.equal(reloader.counts.reloaded, 2); // start + SIGHUP
    assert.match(logger.lines.findLast((line) => line.level === 'info')?.msg ?? '', /reloaded/);
  });

  it('keeps the current certificate and logs an error when the new files are garbage or do not match', async () => {
    for (const [cert, key] of [
      ['garbage', 'garbage'],
      [first.cert, second.key],
      ['', ''],
    ] as const) {
      const refused = reloader.counts.refused;
      install(cert, key);
      process.kill(process.pid, 'SIGHUP');
      await waitFor(() => reloader.counts.refused === refused + 1, 5000, 'the refusal');
      assert.equal(await servedFingerprint(port), second.fingerprint256);
      assert.equal(logger.lines.at(-1)?.level, 'error');
    }
    assert.ok(logger.lines.every((line) => !JSON.stringify(line.obj).includes('PRIVATE KEY')));
  });

  it('refuses an expired certificate on reload, keeps the last good one and logs the file and dates', async () => {
    const expired = createExpiredCertificate(dir, 'expired');
    const refused = reloader.counts.refused;
    install(expired.cert, expired.key);
    process.kill(process.pid, 'SIGHUP');
    await waitFor(() => reloader.counts.refused === refused + 1, 5000, 'the refusal');
    assert.equal(await servedFingerprint(port), second.fingerprint256);
    const line = logger.lines.at(-1)!;
    assert.equal(line.level, 'error');
    const reason = (line.obj as { err: Error }).err.message;
    assert.ok(reason.startsWith(`TLS certificate ${files().certFile} `), reason);
    assert.match(reason, /is expired on \d{4}-/);
    assert.match(reason, /valid from \d{4}-\d\d-\d\dT.* to \d{4}-\d\d-\d\dT/);
    assert.equal(reloader.validity?.fingerprint256, second.fingerprint256);
  });

  it('warns when the served certificate expires within the warning window', () => {
    // The test certificates are valid for one day, well inside the 14-day window.
    const nearExpiry = createSelfSignedCertificate(dir, 'near-expiry');
    install(nearExpiry.cert, nearExpiry.key);
    const before = logger.lines.length;
    assert.equal(reloader.reload('test'), true);
    const warning = logger.lines.slice(before).find((line) => line.level === 'warn');
    assert.match(warning?.msg ?? '', /expires in 0 days; renew it/);
  });

  it('keeps TLS 1.3 only after a reload', async () => {
    install(first.cert, first.key);
    assert.equal(reloader.reload('test'), true);
    const { handshake } = await import('../support/tls-client.js');
    await assert.rejects(handshake(port, { maxVersion: 'TLSv1.2' }));
  });

  it('stops listening for SIGHUP when closed', () => {
    const listeners = process.listenerCount('SIGHUP');
    const other = new TlsContextReloader(server, files(), logger, { watchFiles: false });
    other.start();
    assert.equal(process.listenerCount('SIGHUP'), listeners + 1);
    other.close();
    assert.equal(process.listenerCount('SIGHUP'), listeners);
  });
});
