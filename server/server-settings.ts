/**
 * The server's settings from flags and environment (docs/spec.md §7):
 * what `livelens serve` resolves before calling startServer.
 *
 * @example
 * const s = await startServer(serverSettingsFrom(cmd.opts()));
 */
import { resolveSetting } from '../config/settings.ts';
import { resolveCollectorTuning } from '../collector/config.ts';
import type { ServerOptions } from './start-server.ts';

/** Reads the server's settings from flags and environment (flags win). */
export function serverSettingsFrom(opts: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  const port = Number(resolveSetting('port', opts, env));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(`LIVELENS_PORT / --port is "${resolveSetting('port', opts, env)}": expected a port from 0 to 65535`);
  }
  return {
    dataDir: resolveSetting('dataDir', opts, env)!,
    port,
    host: resolveSetting('host', opts, env),
    writeKeys: resolveSetting('writeKeys', opts, env),
    kinesisStream: resolveSetting('kinesisStream', opts, env),
    kinesisEndpoint: resolveSetting('kinesisEndpoint', opts, env),
    regionHeader: resolveSetting('regionHeader', opts, env),
    ...resolveCollectorTuning(opts, env),
  };
}
