/**
 * A small static file server for the browser tests, on 127.0.0.1 and a free
 * port. Routes map a URL prefix to a folder; `.wasm` is served as
 * application/wasm (the IVS player streams-compiles it, which browsers allow
 * only for that type) and nothing is cached, so a live playlist is always fresh.
 *
 * @example
 * const s = await startStaticServer({ '/hls/': '/tmp/hls', '/ivs/': ivsAssetsDir });
 * // s.url -> 'http://127.0.0.1:41234'
 * await s.stop();
 */
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';

/** Content types by file extension; anything else is application/octet-stream. */
export const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.ts': 'video/mp2t',
  '.json': 'application/json',
};

export interface StaticServer {
  url: string;
  stop(): Promise<void>;
}

/** Serves `routes` (URL prefix → folder) plus fixed in-memory `pages` (path → [type, body]). */
export async function startStaticServer(
  routes: Record<string, string>,
  pages: Record<string, [type: string, body: string]> = {},
): Promise<StaticServer> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const page = pages[path];
    if (page) {
      res.writeHead(200, { 'content-type': page[0], 'cache-control': 'no-store' });
      res.end(page[1]);
      return;
    }
    const prefix = Object.keys(routes).find((p) => path.startsWith(p));
    const rel = prefix === undefined ? '' : normalize(path.slice(prefix.length));
    if (prefix === undefined || rel.startsWith('..')) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = await readFile(join(routes[prefix]!, rel));
      res.writeHead(200, {
        'content-type': CONTENT_TYPES[extname(rel)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
        'access-control-allow-origin': '*',
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
