import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestApp } from './test-app.js';

export interface FuzzRequest {
  readonly method: string;
  /** Path and query exactly as they go on the wire (already percent-encoded). */
  readonly target: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly payload?: string;
  readonly encoding?: 'utf8' | 'latin1';
}

export interface FuzzResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/**
 * Sends one request byte for byte as described: no client library normalises the path,
 * re-encodes the body or adds a content type (supertest would), so the app sees what an
 * attacker's socket would send.
 */
export function sendRaw(t: TestApp, req: FuzzRequest): Promise<FuzzResponse> {
  const body = req.payload === undefined ? undefined : Buffer.from(req.payload, req.encoding ?? 'utf8');
  const headers: Record<string, string> = { ...req.headers };
  if (body !== undefined) headers['content-length'] = String(body.length);
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: '127.0.0.1',
        port: (t.app.getHttpServer().address() as AddressInfo).port,
        method: req.method,
        path: req.target,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}
