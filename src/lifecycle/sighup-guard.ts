/**
 * With TLS, SIGHUP means "reload the certificate" (src/tls/tls-context-reloader.ts). The reloader
 * listens only while the application runs; without any listener the default action of SIGHUP is
 * to terminate the process, so a reload signal sent during start-up (cert-manager, a config
 * tool, an operator) or during shutdown killed the process midway. This guard holds a listener
 * for the whole life of the process: outside the reloader's window SIGHUP is ignored, which is
 * safe because start-up reads the certificate files last thing before serving and shutdown no
 * longer needs them. Deliberately free of imports: main.ts installs it before loading the
 * application's modules (a few hundred milliseconds during which SIGHUP would otherwise kill).
 */
const ignoreSighup = (): void => undefined;

export function holdSighup(): void {
  process.on('SIGHUP', ignoreSighup);
}

/** Without TLS, SIGHUP is a shutdown signal like SIGTERM (configure-app.ts): the guard goes. */
export function releaseSighup(): void {
  process.off('SIGHUP', ignoreSighup);
}
