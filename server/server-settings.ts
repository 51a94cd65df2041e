/**
 * The settings a running server takes (config/settings.ts declares each):
 * `livelens serve` adds their flags and resolves them once; programmatic
 * callers pass the same names to startServer. A new server setting is its
 * registry entry plus its name here.
 *
 * @example
 * const settings = resolveSettings(SERVER_SETTINGS, cmd.opts());
 * const s = await startServer(settings);
 */
import type { SettingName, SettingsOf } from '../config/settings.ts';

export const SERVER_SETTINGS = [
  'dataDir', 'port', 'host', 'writeKeys', 'kinesisStream', 'kinesisEndpoint', 'regionHeader',
  'spoolMaxBytes', 'keyEventsPerSecond', 'keyBurstEvents', 'addressRequestsPerSecond', 'addressBurstRequests',
  'clientAddressHeader', 'deadLetterStream', 'lingerMs',
  'maxRequestsInFlight', 'targetServiceMs', 'maxBytesInFlight',
] as const satisfies readonly SettingName[];

/** The server's settings, resolved. */
export type ServerSettings = SettingsOf<typeof SERVER_SETTINGS>;
