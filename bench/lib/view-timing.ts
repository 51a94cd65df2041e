/**
 * Times one dashboard view in Chromium: from navigation to its first data
 * (the first card with a table, chart or empty state in `#view`) and to the
 * whole view drawn (`body[data-ready=true]`). A fresh browser context signs
 * in first, so no earlier visit's cookie or page cache helps.
 *
 * @example
 * const page = await signedInPage(browser, server.url, TOKEN);
 * const t = await timeView(page, server.url, 'quality'); // { firstMs: 412, readyMs: 655 }
 */
import type { Browser, Page } from 'playwright-core';

/** The first data a reader sees: a card (section) the view appended to `#view`. */
export const FIRST_DATA_SELECTOR = '#view section.card';
/** Longest wait for one view (ms): a slower view fails the benchmark instead of hanging it. */
export const VIEW_TIMEOUT_MS = 60_000;

export interface ViewTiming {
  firstMs: number;
  readyMs: number;
}

/** The URL path of a view (as dashboard/page/layout.ts writes it). */
export function viewUrl(base: string, id: string): string {
  return `${base}${id === 'overview' ? '/' : `/v/${id}`}`;
}

/** A page in a new context of `browser`, signed in through the session API (no view is visited, so no report is cached). */
export async function signedInPage(browser: Browser, base: string, token: string): Promise<Page> {
  const context = await browser.newContext();
  const res = await context.request.post(`${base}/api/v1/session`, { data: { token }, headers: { origin: base } });
  if (!res.ok()) throw new Error(`sign-in answered ${res.status()}: ${await res.text()}`);
  return context.newPage();
}

/** Navigates `page` to view `id` and times its first data and its end. */
export async function timeView(page: Page, base: string, id: string): Promise<ViewTiming> {
  const t0 = performance.now();
  await page.goto(viewUrl(base, id), { waitUntil: 'commit' });
  await page.waitForSelector(FIRST_DATA_SELECTOR, { timeout: VIEW_TIMEOUT_MS });
  const firstMs = performance.now() - t0;
  await page.waitForSelector('body[data-ready=true]', { timeout: VIEW_TIMEOUT_MS });
  return { firstMs, readyMs: performance.now() - t0 };
}
