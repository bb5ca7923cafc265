import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { portOf } from '../support/clients.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * Server resource limits (OWASP API4:2023): a client that trickles its headers is closed after
 * HTTP_HEADERS_TIMEOUT_MS, and connections beyond HTTP_MAX_CONNECTIONS are closed on accept, so
 * slow or numerous connections from one address cannot hold the server.
 */
function open(port: number): Promise<{ socket: Socket; closed: Promise<{ at: number; received: string }> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    const closed = new Promise<{ at: number; received: string }>((done) =>
      socket.on('close', () => done({ at: Date.now(), received })),
    );
    socket.once('connect', () => resolve({ socket, closed }));
    socket.once('error', reject);
  });
}

describe('HTTP server limits', () => {
  let t: TestApp;
  let port: number;

  before(async () => {
    t = await startTestApp({ HTTP_HEADERS_TIMEOUT_MS: '1000', HTTP_MAX_CONNECTIONS: '4' });
    port = portOf(t);
  });
  after(() => t.close());

  it('closes a slow-header connection after HTTP_HEADERS_TIMEOUT_MS with 408', async () => {
    const { socket, closed } = await open(port);
    const started = Date.now();
    socket.write('GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    // One header line every 200 ms: each byte resets an idle timeout, never the headers timeout.
    const trickle = setInterval(() => socket.writable && socket.write(`X-Slow-${Date.now()}: 1\r\n`), 200);
    try {
      const { at, received } = await closed;
      const held = at - started;
      assert.ok(held >= 900 && held < 4000, `closed after ${held} ms`);
      assert.match(received, /^HTTP\/1\.1 408 /);
    } finally {
      clearInterval(trickle);
    }
  });

  it('closes connections beyond HTTP_MAX_CONNECTIONS on accept and serves again once they go', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => open(port)));
    const extra = await open(port);
    const { received } = await extra.closed;
    assert.equal(received, '', 'the connection over the cap is closed without an answer');
    for (const { socket } of held) socket.destroy();
    await Promise.all(held.map(({ closed }) => closed));
    assert.equal((await t.http.get('/health/live')).status, 200);
  });
});
