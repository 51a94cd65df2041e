/**
 * Path traversal on every route that serves a file (docs/spec.md §8): the
 * dashboard's assets (`/assets/:name`, in memory, by exact name), its pages
 * (`/`, `/v/:id`, `/sign-in`), the live panel's files (`/live`,
 * `/live/panel.js`, `/live/panel.css`, `/live/uplot.js`, `/live/uplot.css`),
 * the demo viewer page's (`/viewer`, its assets, `/viewer/ivs/`, the stream
 * under `/viewer/hls/`, with a secret planted in the stream's folder),
 * and the API and collector prefixes for good measure. Raw request lines
 * over a socket (no client normalises them): `../`, `%2e%2e/`, `..%2f`,
 * double encoding, absolute paths, backslashes, NUL bytes. Every answer is
 * 400 or 404 and never holds a file's contents (package.json, tsconfig.json,
 * /etc/passwd, a secret file in the data dir).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../collector/log.ts';
import { createDashboard } from '../../dashboard/mount.ts';
import { createLive } from '../../live/mount.ts';
import { startServer, type ServerHandle } from '../../server/start-server.ts';
import { createViewer } from '../../viewer/mount.ts';
import { VIEWER_STREAM_DIR } from '../../contract/data-dir.ts';

const ADMIN = 's3cret-admin-token-1';
const SECRET = 'secret-marker-4f1c9a7e-do-not-serve';
/** Texts that only appear in files that must never be served. */
const FILE_MARKERS = ['"compilerOptions"', 'root:x:0:0', SECRET, '"devDependencies"'];

const dataDir = mkdtempSync(join(tmpdir(), 'livelens-traversal-'));
const secretFile = join(dataDir, 'secret.txt');
let server: ServerHandle;
let port: number;
/** The viewer page is mounted where ffmpeg and amazon-ivs-player are installed. */
let viewerPaths: string[] = [];
beforeAll(async () => {
  writeFileSync(secretFile, SECRET);
  const log = createLogger('silent');
  const dashboard = createDashboard({ dataDir, dashboardTokens: `${ADMIN}=admin` });
  const live = createLive({
    settings: {
      liveWindowS: 300, alertWebhook: undefined, alertRules: 'latency_p95_ms>8000', alertMinViewers: 2, alertCooldownS: 600,
      cloudwatchNamespace: undefined, cloudwatchIntervalS: 60, awsRegion: undefined,
    },
    access: dashboard.access,
    log,
    logAlerts: false,
  });
  // The demo viewer page's routes (its stream is not started: the folder holds only a planted secret).
  const viewer = createViewer({ dataDir, writeKey: 'k_traversal_1', retailerId: 'northwind', showId: 's1', creatorId: 'c1', log });
  mkdirSync(join(dataDir, VIEWER_STREAM_DIR, 'hls', 'vmain'), { recursive: true });
  writeFileSync(join(dataDir, VIEWER_STREAM_DIR, 'hls', 'vmain', 'secret.txt'), SECRET);
  const viewerRoutes = viewer.available ? [viewer.routes] : [];
  if (viewer.available) viewerPaths = ['/viewer', '/viewer/viewer.css'];
  server = await startServer({ dataDir, host: '127.0.0.1', port: 0, routes: [live.routes, ...viewerRoutes, dashboard.routes], services: [...live.services, dashboard.service], log });
  port = Number(new URL(server.url).port);
}, 30_000);
afterAll(async () => {
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Sends one raw request line (bytes as given) and returns the status and the whole answer. */
function rawGet(target: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer for ${JSON.stringify(target)}`)));
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text });
    });
    socket.write(Buffer.from(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${ADMIN}\r\nConnection: close\r\n\r\n`, 'latin1'));
  });
}

/** Every route prefix that serves a file, plus the API and collector ones. */
const PREFIXES = [
  '/', '/assets/', '/live/', '/v/', '/sign-in/', '/api/v1/', '/api/v1/live/', '/api/v1/reports/', '/v1/', '/v1/events/',
  '/viewer/', '/viewer/ivs/', '/viewer/hls/', '/viewer/hls/vmain/',
];
const FILES = ['package.json', 'tsconfig.json', 'etc/passwd'];

/** Traversal spellings of `file`, relative to a prefix. */
function payloads(file: string): string[] {
  const up = '../'.repeat(8);
  return [
    `${up}${file}`,
    `..%2f..%2f..%2f..%2f..%2f..%2f${file.replace('/', '%2f')}`,
    `%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/${file}`,
    `%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f${file.replace('/', '%2f')}`,
    `%252e%252e%252f%252e%252e%252f%252e%252e%252f${file}`,
    `..%c0%af..%c0%af..%c0%af${file}`,
    `....//....//....//....//${file}`,
    `..\\..\\..\\..\\..\\..\\${file.replace('/', '\\')}`,
    `..%5c..%5c..%5c..%5c..%5c${file.replace('/', '%5c')}`,
    `app.js/../../../../../../${file}`,
    `panel.js%00/../../../../${file}`,
    `app.js%00`,
    `%2f${file.replace('/', '%2f')}`,
    `/${file}`,
    `${encodeURIComponent(process.cwd())}%2f${file.replace('/', '%2f')}`,
  ];
}

describe('path traversal on every file-serving route', () => {
  it('the files are there and the legitimate assets are served (the probes could succeed)', async () => {
    expect(readFileSync('package.json', 'utf8')).toContain('"devDependencies"');
    for (const path of ['/assets/app.js', '/assets/app.css', '/live', '/live/panel.js', '/live/uplot.js', '/sign-in', ...viewerPaths]) {
      expect((await rawGet(path)).status, path).toBe(200);
    }
  });

  it('../, %2e%2e, ..%2f, double encoding, backslashes, NUL, absolute paths: 400 or 404, never a file', async () => {
    const targets: string[] = [];
    for (const prefix of PREFIXES) for (const file of FILES) for (const p of payloads(file)) targets.push(`${prefix}${p}`);
    // Absolute paths and absolute-form request targets, and the data dir's own secret.
    targets.push('/etc/passwd', '//etc/passwd', `${secretFile}`, `/assets/${encodeURIComponent(secretFile)}`, `/live/${encodeURIComponent(secretFile)}`);
    targets.push('/assets/%2e%2e%2f%2e%2e%2fsecret.txt', '/assets/..%2Fsecret.txt', `/live/..%2f..%2f${encodeURIComponent(dataDir)}%2fsecret.txt`);
    targets.push('/viewer/hls/vmain/secret.txt', '/viewer/hls/vmain%2fsecret.txt', '/viewer/hls/vmain/seg1.ts/../secret.txt', '/viewer/hls/../../secret.txt');
    const answers = new Map<number, number>();
    for (const target of targets) {
      const { status, text } = await rawGet(target);
      answers.set(status, (answers.get(status) ?? 0) + 1);
      expect([400, 404], `${target} → ${status}`).toContain(status);
      for (const marker of FILE_MARKERS) expect(text, `${target} served a file`).not.toContain(marker);
    }
    expect(targets.length).toBeGreaterThan(400);
  }, 60_000);

  it('raw NUL and backslash bytes in the request line: 400 or 404, never a file, and the server still answers', async () => {
    for (const target of ['/assets/app.js\0', '/assets/\0../../package.json', '/live/panel.js\0.html', '/assets\\..\\..\\package.json', '/live\\..\\..\\package.json', '\\..\\package.json']) {
      const { status, text } = await rawGet(target);
      expect([400, 404], `${JSON.stringify(target)} → ${status}`).toContain(status);
      for (const marker of FILE_MARKERS) expect(text).not.toContain(marker);
    }
    expect((await rawGet('/assets/app.css')).status).toBe(200);
  });
});
