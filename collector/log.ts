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

export function createLogger(level = process.env.LIVELENS_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'livelens-collector', level });
}
