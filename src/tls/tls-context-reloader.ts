import { X509Certificate } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type Server } from 'node:tls';
import { readTlsMaterial, tlsServerOptions, type TlsFiles, type TlsMaterial } from './tls-server-options.js';

/** The part of pino's API the reloader uses (a fake in unit tests). */
export interface TlsReloadLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TlsReloaderOptions {
  /** Wait this long after the last file event before reloading (writers touch files in steps). */
  readonly debounceMs?: number;
  /** Watch the files' directories (default true); SIGHUP always triggers a reload. */
  readonly watchFiles?: boolean;
}

/**
 * Swaps the server's certificate and key in place when the files change or on SIGHUP, through
 * `server.setSecureContext()`: new handshakes get the new certificate, open connections keep
 * theirs, nothing restarts. Renewals (ACME, cert-manager) therefore need no downtime, so short
 * certificate lifetimes cost nothing (ASVS 12.2.1 / 12.2.2, 13.3.4). A pair that does not load
 * (garbage, half-written, key not matching) is refused and logged; the old certificate stays.
 * Directories are watched, not files, so atomic renames and Kubernetes symlink swaps are seen.
 */
export class TlsContextReloader {
  private current: TlsMaterial | undefined;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly onSighup = (): void => void this.reload('SIGHUP');
  /** Outcomes so far (operators' metrics and tests can watch them). */
  readonly counts = { reloaded: 0, refused: 0 };

  constructor(
    private readonly server: Server,
    private readonly files: TlsFiles,
    private readonly logger: TlsReloadLogger,
    private readonly options: TlsReloaderOptions = {},
  ) {}

  start(): void {
    this.reload('start');
    process.on('SIGHUP', this.onSighup);
    if (this.options.watchFiles === false) return;
    for (const directory of new Set([dirname(this.files.certFile), dirname(this.files.keyFile)])) {
      const watcher = watch(directory, { persistent: false }, () => this.schedule());
      watcher.on('error', (error) =>
        this.logger.error({ err: error, directory }, 'TLS certificate watcher failed; SIGHUP still reloads'),
      );
      this.watchers.push(watcher);
    }
  }

  /** Loads the files and installs them if they changed and form a valid pair; true when installed. */
  reload(trigger: string): boolean {
    let material: TlsMaterial;
    try {
      material = readTlsMaterial(this.files);
      if (this.current && material.cert.equals(this.current.cert) && material.key.equals(this.current.key)) return false;
      createSecureContext(tlsServerOptions(material));
      this.server.setSecureContext(tlsServerOptions(material));
    } catch (error) {
      this.counts.refused++;
      this.logger.error(
        { err: error, trigger, certFile: this.files.certFile },
        'TLS certificate reload refused; keeping the current one',
      );
      return false;
    }
    this.current = material;
    this.counts.reloaded++;
    if (trigger !== 'start') this.logger.info({ trigger, ...certificateSummary(material.cert) }, 'TLS certificate reloaded');
    return true;
  }

  close(): void {
    clearTimeout(this.timer);
    process.off('SIGHUP', this.onSighup);
    for (const watcher of this.watchers) watcher.close();
    this.watchers = [];
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload('file change'), this.options.debounceMs ?? 250);
    this.timer.unref();
  }
}

function certificateSummary(cert: Buffer): { subject?: string; validTo?: string; fingerprint256?: string } {
  try {
    const x509 = new X509Certificate(cert);
    return { subject: x509.subject, validTo: x509.validTo, fingerprint256: x509.fingerprint256 };
  } catch {
    return {};
  }
}
