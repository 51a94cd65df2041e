/**
 * The collector's structured log (pino, JSON lines). Callers log counts,
 * retailer ids and error messages only: never IP addresses, user agents,
 * write keys or event contents.
 *
 * @example
 * const log = createLogger('info'); log.info({ spooled: 50 }, 'stream down, spooling');
 */
import { pino, type Logger } from 'pino';

export type { Logger };

/** Level when the caller names none. */
export const DEFAULT_LOG_LEVEL = 'info';

/** A JSON-lines logger at `level` (the command passes its resolved --log-level / LIVELENS_LOG_LEVEL). */
export function createLogger(level: string = DEFAULT_LOG_LEVEL): Logger {
  return pino({ name: 'livelens-collector', level });
}
