/**
 * Dashboard access through a real `startServe` on 127.0.0.1 (docs/spec.md
 * §8): sign-in sets the session cookie, the API needs a credential, write
 * keys are refused as tokens and dashboard tokens are refused on
 * /v1/events, security headers are on every dashboard response.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type ServerHandle } from '../../server/start-server.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { createLogger } from '../../collector/log.ts';
import { batchBody, realisticEvents } from '../../collector/testing/fixtures.ts';

const ADMIN = 'serve-admin-token-0001';
const ACME = 'serve-acme-token-00001';
const WRITE_KEY = 'wk_serve_acme_00000001';
const dataDir = mkdtempSync(join(tmpdir(), 'livelens-dash-access-'));
let serve: ServerHandle;

beforeAll(async () => {
  const dashboard = createDashboard({ dataDir, writeKeys: `${WRITE_KEY}@acme`, dashboardTokens: `${ADMIN}=admin,${ACME}=retailer:acme` });
  serve = await startServer({ dataDir, port: 0, writeKeys: `${WRITE_KEY}@acme`, routes: [dashboard.routes], log: createLogger('silent') });
});
afterAll(async () => {
  await serve?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('dashboard access on livelens serve', () => {
  it('signs in with a token, reads with the cookie, signs out', async () => {
    const origin = serve.url;
    const signIn = await fetch(`${serve.url}/api/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ token: ACME }) });
    expect(signIn.status).toBe(200);
    expect(signIn.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const me = await fetch(`${serve.url}/api/v1/session`, { headers: { cookie } });
    expect(await me.json()).toEqual({ role: 'retailer', retailer: 'acme', via: 'session' });
    expect((await fetch(`${serve.url}/api/v1/session`, { method: 'DELETE', headers: { cookie, origin } })).status).toBe(204);
    expect((await fetch(`${serve.url}/api/v1/session`, { headers: { cookie } })).status).toBe(401);
  });

  it('401 without credential or with a write key; a dashboard token is no write key', async () => {
    expect((await fetch(`${serve.url}/api/v1/reports/conversion?by=creator`)).status).toBe(401);
    expect((await fetch(`${serve.url}/api/v1/anything`)).status).toBe(401);
    const wk = await fetch(`${serve.url}/api/v1/session`, { headers: { authorization: `Bearer ${WRITE_KEY}` } });
    expect(wk.status).toBe(401);
    const events = await fetch(`${serve.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-write-key': ADMIN },
      body: batchBody(realisticEvents(1, Date.now()), Date.now()),
    });
    expect(events.status).toBe(401);
  });

  it('refuses a dashboard token equal to a write key before the server starts', () => {
    expect(() => createDashboard({ dataDir, writeKeys: `${WRITE_KEY}@acme`, dashboardTokens: `${WRITE_KEY}=admin` })).toThrow(/equals a write key/);
  });
});
