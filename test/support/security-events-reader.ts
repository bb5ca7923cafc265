import { httpFrom } from './http-from.js';
import { waitFor } from './tls-client.js';

export interface SecurityEventItem {
  readonly id: string;
  readonly timestamp: string;
  readonly type: string;
  readonly ip: string | null;
  readonly actorId?: string;
  readonly details: Readonly<Record<string, string | number | boolean | null>>;
}

/** Reads GET /api/v1/security-events (newest first) as `token`'s holder, from `from`. */
export async function securityEvents(port: number, token: string, from = '127.0.0.1', limit = 100): Promise<SecurityEventItem[]> {
  const res = await httpFrom(port, {
    path: `/api/v1/security-events?limit=${limit}`,
    from,
    headers: { Authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`security-events answered ${res.status}: ${res.body}`);
  return res.json<{ items: SecurityEventItem[] }>().items;
}

/** Events are written shortly after they happen (batched): wait until one matches. */
export async function eventuallyEvent(
  port: number,
  token: string,
  match: (event: SecurityEventItem) => boolean,
  what: string,
  from = '127.0.0.1',
): Promise<SecurityEventItem> {
  let found: SecurityEventItem | undefined;
  await waitFor(
    async () => {
      found = (await securityEvents(port, token, from)).find(match);
      return found !== undefined;
    },
    5000,
    what,
  );
  return found!;
}
