import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { portOf } from '../support/clients.js';
import { startTestApp } from '../support/test-app.js';

/** A raw connection; resolves with everything the server sent once it closes. */
function open(port: number): Promise<{ socket: Socket; closed: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<string>((done) => socket.on('close', () => done(received)));
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

/**
 * Readiness during shutdown (docs/operations.md "Shutdown sequence"): from the first moment of
 * the drain /health/ready answers 503, so a load balancer polling over a kept-alive connection
 * takes the instance out, while the requests already received are still served.
 */
describe('readiness during shutdown', () => {
  it('answers /health/ready 503 with Connection: close while the drain runs, and answers the request in flight', async () => {
    const t = await startTestApp({ SHUTDOWN_GRACE_MS: '5000' });
    const port = portOf(t);
    // A request in flight (its headers are in, its body is not) keeps the drain running.
    const inFlight = await open(port);
    inFlight.socket.write(
      'POST /api/v1/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{',
    );
    // A probe whose request is on the wire when shutdown starts.
    const probe = await open(port);
    probe.socket.write('GET /health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    await new Promise((r) => setTimeout(r, 100));
    const closing = t.close();
    await new Promise((r) => setTimeout(r, 100));
    probe.socket.write('\r\n');
    const probed = await probe.closed;
    assert.match(probed, /^HTTP\/1\.1 503 /, probed);
    assert.match(probed, /\r\nconnection: close\r\n/i);
    inFlight.socket.write('}');
    const answered = await inFlight.closed;
    // Answered by the application (an empty login is a 400), not refused by the shutdown.
    assert.match(answered, /^HTTP\/1\.1 400 /, answered);
    assert.match(answered, /\r\nconnection: close\r\n/i);
    await closing;
  });
});
