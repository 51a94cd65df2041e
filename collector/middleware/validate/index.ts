/**
 * Validates each event of the batch with the contract's validator and holds
 * its clock-skew-corrected `event_time` (`ts + received_at - sent_at`) to
 * the window of docs/spec.md §2: no older than MAX_EVENT_AGE_MS, no further
 * ahead than MAX_EVENT_FUTURE_MS. Good events go to `c.get('valid')`, the
 * others to `c.get('rejected')` with their index and reason (partial acceptance).
 *
 * @example
 * app.post('/v1/events', decodeBatch(), validateBatch(), (c) => c.json(c.get('rejected')));
 */
import type { MiddlewareHandler } from 'hono';
import { validateEvent } from '../../../contract/events.ts';
import { MAX_EVENT_AGE_MS, MAX_EVENT_FUTURE_MS } from '../../../contract/limits.ts';
import type { CollectorEnv, Rejection, ValidEvent } from '../../types.ts';

/** Why an event's corrected time is out of bounds, or undefined when it is within them. */
export function eventTimeError(eventTime: number, receivedAt: number): string | undefined {
  if (eventTime < receivedAt - MAX_EVENT_AGE_MS) {
    return `event_time ${eventTime} is more than ${MAX_EVENT_AGE_MS / 3_600_000} hours old (MAX_EVENT_AGE_MS)`;
  }
  if (eventTime > receivedAt + MAX_EVENT_FUTURE_MS) {
    return `event_time ${eventTime} is more than ${MAX_EVENT_FUTURE_MS / 60_000} minutes in the future (MAX_EVENT_FUTURE_MS)`;
  }
  return undefined;
}

export function validateBatch(): MiddlewareHandler<CollectorEnv> {
  return async (c, next) => {
    const { sent_at: sentAt, events } = c.get('envelope');
    const receivedAt = c.get('receivedAt');
    const skew = receivedAt - sentAt;
    const valid: ValidEvent[] = [];
    const rejected: Rejection[] = [];
    for (let index = 0; index < events.length; index++) {
      const r = validateEvent(events[index]);
      if (!r.ok) {
        rejected.push({ index, error: r.error });
        continue;
      }
      const eventTime = r.value.ts + skew;
      const timeError = eventTimeError(eventTime, receivedAt);
      if (timeError !== undefined) rejected.push({ index, error: timeError });
      else valid.push({ index, event: r.value, eventTime });
    }
    c.set('valid', valid);
    c.set('rejected', rejected);
    await next();
  };
}
