/**
 * A fetch stand-in for tracker tests: records every request and answers with
 * scripted responses (a function of the request), in the shape the
 * transport reads. Also a Map-backed KeyValueStorage.
 *
 * @example
 * const net = createFakeFetch(() => ({ status: 200, body: { accepted: 1, rejected: [] } }));
 * createTracker({ ..., fetch: net.fetch });
 * net.events() // every event received, in order
 */
import type { LiveEvent } from '../../contract/events.ts';
import type { KeyValueStorage } from '../queue.ts';
import type { FetchLike } from '../transport.ts';

export interface RecordedRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  keepalive: boolean;
  events: LiveEvent[];
}

/** A scripted answer; `'network-error'` makes fetch reject like a dropped connection. */
export type FakeAnswer = { status: number; body?: unknown; headers?: Record<string, string> } | 'network-error';

export interface FakeFetch {
  fetch: FetchLike;
  requests: RecordedRequest[];
  /** Events of the requests answered 2xx, in order of arrival. */
  events(): LiveEvent[];
}

export function createFakeFetch(answer: (req: RecordedRequest, index: number) => FakeAnswer = () => ({ status: 200 })): FakeFetch {
  const requests: RecordedRequest[] = [];
  const delivered: LiveEvent[] = [];
  return {
    requests,
    events: () => [...delivered],
    fetch: async (url, init) => {
      const events = (JSON.parse(init.body) as { events: LiveEvent[] }).events;
      const req: RecordedRequest = { url, body: init.body, headers: init.headers, keepalive: init.keepalive, events };
      requests.push(req);
      const a = answer(req, requests.length - 1);
      if (a === 'network-error') throw new TypeError('Failed to fetch');
      const body = a.body ?? (a.status < 300 ? { accepted: events.length, rejected: [] } : { error: 'scripted' });
      if (a.status < 300) {
        const rejected = new Set(((body as { rejected?: { index: number }[] }).rejected ?? []).map((r) => r.index));
        delivered.push(...events.filter((_, i) => !rejected.has(i)));
      }
      const headers = new Map(Object.entries(a.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
      return { status: a.status, headers: { get: (n: string) => headers.get(n.toLowerCase()) ?? null }, text: async () => JSON.stringify(body) };
    },
  };
}

/** localStorage over a Map; `failWrites` simulates a full quota. */
export function createMemoryStorage(failWrites = false): KeyValueStorage & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem(k, v) {
      if (failWrites) throw new DOMException('quota exceeded', 'QuotaExceededError');
      data.set(k, v);
    },
  };
}
