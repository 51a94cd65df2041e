import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createAccess, parseDashboardTokens } from '../access/index.ts';
import { dashboardAssets, SCRIPT_BUDGET_GZIP_BYTES } from './assets.ts';
import { escapeHtml } from './layout.ts';
import { createPageRoutes } from './routes.ts';
import { VIEWS } from '../client/views/index.ts';

const TOKEN = 'page-admin-token-00001';
const access = createAccess({ tokens: parseDashboardTokens(`${TOKEN}=admin,page-r1-token-0000001=retailer:r1`) });
const app = new Hono();
app.route('/', access.routes);
app.route('/', createPageRoutes({ access }));

async function cookieFor(token: string): Promise<string> {
  const res = await app.request('http://dash.test/api/v1/session', { method: 'POST', body: JSON.stringify({ token }) });
  return res.headers.get('set-cookie')!.split(';')[0]!;
}

describe('dashboard pages', () => {
  it('the page script of every view is within the budget (min+gzip)', async () => {
    const assets = await dashboardAssets();
    // One bundle serves every view, so it is the script any view loads.
    expect(assets.get('app.js')!.gzipBytes).toBeLessThanOrEqual(SCRIPT_BUDGET_GZIP_BYTES);
    expect(assets.get('app.js')!.gzipBytes).toBeGreaterThan(10_000);
  });

  it('serves only the built assets: no traversal, no other file', async () => {
    expect((await app.request('http://dash.test/assets/app.js')).headers.get('content-type')).toMatch(/javascript/);
    for (const path of ['/assets/..%2Fpackage.json', '/assets/../package.json', '/assets/app.ts', '/assets/%2e%2e%2fLICENSE', '/assets/']) {
      expect((await app.request(`http://dash.test${path}`)).status, path).toBe(404);
    }
  });

  it('without a session a view shows the sign-in page; with one, the view shell with its filters escaped', async () => {
    const anon = await (await app.request('http://dash.test/v/quality')).text();
    expect(anon).toContain('id="sign-in"');
    const cookie = await cookieFor(TOKEN);
    for (const v of VIEWS) {
      const res = await app.request(`http://dash.test${v.id === 'overview' ? '/' : `/v/${v.id}`}?creator=%22%3E%3Cscript%3Ex%3C/script%3E`, { headers: { cookie } });
      const html = await res.text();
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
      expect(html).toContain(`data-view="${v.id}"`);
      expect(html).not.toContain('<script>x');
      expect(html).not.toContain(TOKEN);
      expect(html).not.toMatch(/<script>|style="/);
    }
    expect((await app.request('http://dash.test/v/nope', { headers: { cookie } })).status).toBe(404);
  });

  it('a retailer sees no retailer filter', async () => {
    const html = await (await app.request('http://dash.test/', { headers: { cookie: await cookieFor('page-r1-token-0000001') } })).text();
    expect(html).toContain('retailer r1');
    expect(html).not.toContain('name="retailer"');
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});
