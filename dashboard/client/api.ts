/**
 * The page's one way to the data: GET the API with the page's filters
 * (from the URL), the session cookie riding along; a 401 sends the reader
 * to sign in again. CSV links are the same URL with `format=csv`.
 *
 * @example
 * const { rows } = await api.get('/api/v1/reports/conversion', { by: 'creator' });
 */
import type { Row } from './ui.ts';

/** The filters a view page carries in its URL (and passes to every API call). */
export const FILTER_NAMES = ['from', 'to', 'retailer', 'creator', 'show', 'region'] as const;

export interface ApiBody {
  rows: Row[];
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The page URL's filters, without empty ones. */
export function pageFilters(): Record<string, string> {
  const params = new URLSearchParams(location.search);
  const out: Record<string, string> = {};
  for (const name of FILTER_NAMES) {
    const v = params.get(name);
    if (v !== null && v !== '') out[name] = v;
  }
  return out;
}

/** One API request of a view: path, its own parameters, and the page filters that do not apply. */
export interface ApiRequest {
  path: string;
  params?: Readonly<Record<string, string>>;
  omit?: readonly string[];
}

/** `path?filters&params` for the given page filters (empty ones left out); `omit` drops filters that do not apply. The server builds the same URLs. */
export function requestUrl(filters: Readonly<Record<string, string>>, request: ApiRequest): string {
  const merged: Record<string, string> = {};
  for (const name of FILTER_NAMES) if (filters[name] !== undefined && filters[name] !== '') merged[name] = filters[name]!;
  Object.assign(merged, request.params);
  for (const k of request.omit ?? []) delete merged[k];
  const q = new URLSearchParams(merged).toString();
  return q === '' ? request.path : `${request.path}?${q}`;
}

/** `path?filters&params` with the page URL's filters; `omit` drops page filters that do not apply (e.g. show on a list). */
export function apiUrl(path: string, params: Record<string, string> = {}, omit: readonly string[] = []): string {
  return requestUrl(pageFilters(), { path, params, omit });
}

export async function getJson(path: string, params: Record<string, string> = {}, omit: readonly string[] = []): Promise<ApiBody> {
  const res = await fetch(apiUrl(path, params, omit), { credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (res.status === 401) {
    location.assign(`/sign-in?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new ApiError(401, 'signed out');
  }
  const body = (await res.json().catch(() => ({}))) as ApiBody & { error?: string };
  if (!res.ok) throw new ApiError(res.status, body.error ?? `the API answered ${res.status}`);
  return body;
}

export function csvUrl(path: string, params: Record<string, string> = {}, omit: readonly string[] = []): string {
  return apiUrl(path, { ...params, format: 'csv' }, omit);
}

/**
 * The answers to `requests` in order, each settled: the first is sent at
 * once and the rest together once it has answered, so the view's first card
 * does not share the server with the others (the server sends a view's first
 * requests the same way when it sends the page; these join them).
 */
export function firstThenRest(requests: readonly ApiRequest[]): Promise<PromiseSettledResult<ApiBody>>[] {
  const [first, ...rest] = requests;
  if (first === undefined) return [];
  const head = settle(getJson(first.path, { ...first.params }, first.omit));
  return [head, ...rest.map((r) => head.then(() => settle(getJson(r.path, { ...r.params }, r.omit))))];
}

/** A promise's outcome without throwing, as Promise.allSettled gives it for one promise. */
export function settle<T>(pending: Promise<T>): Promise<PromiseSettledResult<T>> {
  return pending.then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason }));
}
