import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MetricsRegistry } from '../../src/metrics/metrics.registry.js';
import { TlsReloadService } from '../../src/tls/tls-reload.service.js';
import { createExpiredCertificate, createSelfSignedCertificate, type TestCertificate } from '../support/self-signed-cert.js';
import { startTestApp, type TestApp } from '../support/test-app.js';
import { servedFingerprint, waitFor } from '../support/tls-client.js';

/**
 * An expired certificate makes every client fail its handshake: it is refused at boot in
 * production and on every reload, and the expiry of the served one is exported for alerting
 * (ASVS 5.0 V12.2.2, OWASP API8:2023; docs/operations.md "Certificate expiry").
 */
const main = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../src'), 'main.js');
const cli = join(resolve(dirname(fileURLToPath(import.meta.url)), '../../src'), 'cli', 'main.js');

function notAfterSeconds(cert: Buffer): number {
  return Math.floor(new Date(new X509Certificate(cert).validTo).getTime() / 1000);
}

async function expiryGauge(t: TestApp): Promise<number | undefined> {
  const metric = await t.app.get(MetricsRegistry).registry.getSingleMetric('tls_certificate_expiry_seconds')?.get();
  return metric?.values[0]?.value;
}

describe('TLS certificate validity', () => {
  let dir: string;
  let good: TestCertificate;
  let expired: TestCertificate;
  let t: TestApp;
  let port: number;
  const certFile = () => join(dir, 'server.crt');
  const keyFile = () => join(dir, 'server.key');
  const install = (pair: TestCertificate) => {
    writeFileSync(certFile(), pair.cert);
    writeFileSync(keyFile(), pair.key);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tls-expiry-'));
    good = createSelfSignedCertificate(dir, 'good');
    expired = createExpiredCertificate(dir, 'expired');
    install(good);
    t = await startTestApp({ TLS_CERT_FILE: certFile(), TLS_KEY_FILE: keyFile() });
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  after(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the served certificate expiry as tls_certificate_expiry_seconds', async () => {
    assert.equal(await expiryGauge(t), notAfterSeconds(good.cert));
  });

  it('refuses an expired certificate on reload and keeps serving the last good one', async () => {
    const reloads = t.app.get(TlsReloadService);
    const refused = reloads.counts!.refused;
    install(expired);
    process.kill(process.pid, 'SIGHUP');
    await waitFor(() => reloads.counts!.refused > refused, 5000, 'the refused reload');
    assert.equal(await servedFingerprint(port), good.fingerprint256);
    assert.equal(await expiryGauge(t), notAfterSeconds(good.cert));
  });

  it('refuses to start in production with an expired certificate, naming the file and the dates', () => {
    const secrets = spawnSync(process.execPath, [cli, 'generate-secrets'], {
      env: { PATH: process.env.PATH ?? '' },
      encoding: 'utf8',
    });
    assert.equal(secrets.status, 0, secrets.stderr);
    const env: Record<string, string> = { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', NODE_ENV: 'production' };
    // The block `generate-secrets` prints: NAME=value or NAME="multi-line value".
    for (const match of secrets.stdout.matchAll(/^([A-Z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^\n]*))$/gm)) {
      env[match[1]!] = match[2] !== undefined ? match[2].replace(/\\(.)/g, '$1') : match[3]!;
    }
    install(expired);
    const result = spawnSync(process.execPath, [main], {
      env: {
        ...env,
        DATABASE_URL: `sqlite:${join(dir, 'never-opened.sqlite')}`,
        PORT: '0',
        TLS_CERT_FILE: certFile(),
        TLS_KEY_FILE: keyFile(),
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1, result.stdout + result.stderr);
    const x509 = new X509Certificate(expired.cert);
    assert.match(result.stderr, /TLS certificate .* is expired on/);
    assert.ok(result.stderr.includes(certFile()), result.stderr);
    assert.ok(result.stderr.includes(new Date(x509.validTo).toISOString()), result.stderr);
    assert.ok(result.stderr.includes(new Date(x509.validFrom).toISOString()), result.stderr);
  });
});
