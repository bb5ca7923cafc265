import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { TlsReloadService } from '../../src/tls/tls-reload.service.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { createSelfSignedCertificate, type TestCertificate } from '../support/self-signed-cert.js';
import { handshake, servedFingerprint, waitFor } from '../support/tls-client.js';

/** HTTPS with TLS 1.3 only, HSTS and zero-downtime certificate renewal (ASVS 12.1 / 12.2, OWASP API8:2023). */
interface Fetched {
  readonly res: IncomingMessage;
  readonly socket: TLSSocket;
}

describe('HTTPS (TLS_CERT_FILE / TLS_KEY_FILE)', () => {
  let dir: string;
  let t: TestApp;
  let port: number;
  let first: TestCertificate;
  /** The certificate the server serves now (tests run in order and renew it). */
  let served: TestCertificate;
  let sighupListeners: number;
  const certFile = () => join(dir, 'server.crt');
  const keyFile = () => join(dir, 'server.key');
  const install = (cert: Buffer | string, key: Buffer | string) => {
    writeFileSync(certFile(), cert);
    writeFileSync(keyFile(), key);
  };

  function get(path: string, agent: Agent | undefined, ca: Buffer[]): Promise<Fetched> {
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path, servername: 'localhost', ca, agent }, (res) => {
        // Taken now: a keep-alive socket is detached from the response once it ends.
        const socket = res.socket as TLSSocket;
        res.resume();
        res.on('end', () => resolve({ res, socket }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tls-e2e-'));
    first = createSelfSignedCertificate(dir, 'first');
    install(first.cert, first.key);
    served = first;
    sighupListeners = process.listenerCount('SIGHUP');
    t = await startTestApp({ TLS_CERT_FILE: certFile(), TLS_KEY_FILE: keyFile() });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
    // Shutdown stops the reloader: no SIGHUP listener (nor file watcher) outlives the app.
    assert.equal(process.listenerCount('SIGHUP'), sighupListeners);
  });

  it('negotiates TLS 1.3 and refuses a client limited to TLS 1.2', async () => {
    const socket = await handshake(port);
    assert.equal(socket.getProtocol(), 'TLSv1.3');
    socket.destroy();
    await assert.rejects(handshake(port, { maxVersion: 'TLSv1.2' }));
    await assert.rejects(handshake(port, { minVersion: 'TLSv1', maxVersion: 'TLSv1.1' }));
  });

  it('sends HSTS on every response, errors included', async () => {
    for (const path of ['/health/live', '/no/such/route', '/api/v1/nothing']) {
      const { res } = await get(path, undefined, [first.cert]);
      assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains', path);
    }
  });

  it('serves a renewed certificate to new connections when the files change, keeping open connections', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const second = createSelfSignedCertificate(dir, 'second');
      const ca = [first.cert, second.cert];
      const before: Fetched = await get('/health/live', agent, ca);
      assert.equal(before.socket.getPeerCertificate().fingerprint256, first.fingerprint256);

      install(second.cert, second.key);
      await waitFor(async () => (await servedFingerprint(port)) === second.fingerprint256, 5000, 'the renewed certificate');

      const reused: Fetched = await get('/health/live', agent, ca);
      assert.equal(reused.res.statusCode, 200);
      assert.equal(reused.socket as Socket, before.socket as Socket, 'the keep-alive connection must survive the reload');
      assert.equal(reused.socket.getPeerCertificate().fingerprint256, first.fingerprint256);
      const fresh = await get('/health/live', undefined, ca);
      assert.equal(fresh.socket.getPeerCertificate().fingerprint256, second.fingerprint256);
      served = second;
    } finally {
      agent.destroy();
    }
  });

  it('keeps serving the current certificate when the new files are garbage, and reloads on SIGHUP', async () => {
    const reloads = t.app.get(TlsReloadService);
    const refused = reloads.counts!.refused;
    install('-----BEGIN CERTIFICATE-----\ngarbage\n-----END CERTIFICATE-----\n', 'not a key');
    await waitFor(() => reloads.counts!.refused > refused, 5000, 'the refused reload');
    assert.equal(await servedFingerprint(port), served.fingerprint256);
    assert.equal((await get('/health/live', undefined, [served.cert])).res.statusCode, 200);

    // SIGHUP is a reload signal here, not a shutdown: the app keeps serving and picks up the files.
    const third = createSelfSignedCertificate(dir, 'third');
    install(third.cert, third.key);
    process.kill(process.pid, 'SIGHUP');
    await waitFor(async () => (await servedFingerprint(port)) === third.fingerprint256, 5000, 'the SIGHUP reload');
    assert.equal((await get('/health/live', undefined, [third.cert])).res.statusCode, 200);
  });
});
