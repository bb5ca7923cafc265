import { watch, type FSWatcher } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext, type Server } from 'node:tls';
import {
  certificateValidity,
  expiresSoon,
  outsideValidityMessage,
  validityProblem,
  type CertificateValidity,
} from './certificate-validity.js';
import { readTlsMaterial, tlsServerOptions, type TlsFiles, type TlsMaterial } from './tls-server-options.js';

/** The part of pino's API the reloader uses (a fake in unit tests). */
export interface TlsReloadLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface TlsReloaderOptions {
  /** Wait this long after the last file event before reloading (writers touch files in steps). */
  readonly debounceMs?: number;
  /** Watch the files' directories (default true); SIGHUP always triggers a reload. */
  readonly watchFiles?: boolean;
  /** How often the served certificate's expiry is checked for the near-expiry warning (default 12 h). */
  readonly expiryCheckMs?: number;
}

/**
 * Swaps the server's certificate and key in place when the files change or on SIGHUP, through
 * `server.setSecureContext()`: new handshakes get the new certificate, open connections keep
 * theirs, nothing restarts. Renewals (ACME, cert-manager) therefore need no downtime, so short
 * certificate lifetimes cost nothing (ASVS 12.2.1 / 12.2.2, 13.3.4). A pair that does not load
 * (garbage, half-written, key not matching) is refused and logged; the old certificate stays.
 * So is a certificate outside its validity window (expired, or not yet valid): every client would
 * fail its handshake. A certificate close to expiry is served with a warning, repeated twice a day,
 * and its expiry is exported (tls_certificate_expiry_seconds) for the alert in docs/operations.md.
 * Directories are watched, not files, so atomic renames and Kubernetes symlink swaps are seen.
 */
export class TlsContextReloader {
  private current: TlsMaterial | undefined;
  private watchers: FSWatcher[] = [];
  private timer: NodeJS.Timeout | undefined;
  private expiryTimer: NodeJS.Timeout | undefined;
  private served: CertificateValidity | undefined;
  private readonly onSighup = (): void => void this.reload('SIGHUP');
  /** Outcomes so far (operators' metrics and tests can watch them). */
  readonly counts = { reloaded: 0, refused: 0 };

  constructor(
    private readonly server: Server,
    private readonly files: TlsFiles,
    private readonly logger: TlsReloadLogger,
    private readonly options: TlsReloaderOptions = {},
  ) {}

  /** Validity of the certificate installed by the last successful load (undefined before start). */
  get validity(): CertificateValidity | undefined {
    return this.served;
  }

  start(): void {
    this.reload('start');
    process.on('SIGHUP', this.onSighup);
    this.expiryTimer = setInterval(() => this.warnIfExpiring('periodic check'), this.options.expiryCheckMs ?? 43_200_000);
    this.expiryTimer.unref();
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
    let validity: CertificateValidity;
    try {
      material = readTlsMaterial(this.files);
      if (this.current && material.cert.equals(this.current.cert) && material.key.equals(this.current.key)) return false;
      createSecureContext(tlsServerOptions(material));
      validity = certificateValidity(material.cert);
      const problem = validityProblem(validity);
      if (problem !== undefined) {
        // At start the server already serves these files (production refused them at boot):
        // say so loudly; on a reload keep the last good certificate.
        const message = outsideValidityMessage(this.files.certFile, validity, problem);
        if (trigger !== 'start') throw new OutsideValidityError(message);
        this.logger.error({ trigger, certFile: this.files.certFile }, `${message}; clients will refuse it`);
      }
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
    this.served = validity;
    this.counts.reloaded++;
    if (trigger !== 'start') this.logger.info({ trigger, ...summary(validity) }, 'TLS certificate reloaded');
    this.warnIfExpiring(trigger);
    return true;
  }

  private warnIfExpiring(trigger: string): void {
    if (this.served === undefined || !expiresSoon(this.served) || validityProblem(this.served) !== undefined) return;
    const days = Math.max(0, Math.floor((this.served.validTo.getTime() - Date.now()) / 86_400_000));
    this.logger.warn(
      { trigger, certFile: this.files.certFile, ...summary(this.served) },
      `TLS certificate expires in ${days} days; renew it`,
    );
  }

  close(): void {
    clearTimeout(this.timer);
    clearInterval(this.expiryTimer);
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

function summary(validity: CertificateValidity): { subject: string; validTo: string; fingerprint256: string } {
  return { subject: validity.subject, validTo: validity.validTo.toISOString(), fingerprint256: validity.fingerprint256 };
}

/** A readable pair that must not be served now; its message names the file and the dates. */
class OutsideValidityError extends Error {
  override readonly name = 'OutsideValidityError';
}
