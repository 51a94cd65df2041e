/**
 * Event counters of one collector process, served as JSON by `GET /metrics`.
 *
 * @example
 * counters.accepted += 3; counters.snapshot() // { accepted: 3, ... }
 */
export class Counters {
  /** Events answered as accepted (durable in the stream or the spool). */
  accepted = 0;
  /** Events refused (each also sent to the dead letters). */
  rejected = 0;
  /** Accepted events written to the spool because the stream refused them. */
  spooled = 0;
  /** Events written to the stream, directly or drained from the spool. */
  forwarded = 0;
  /** Of `forwarded`, the events that came from the spool. */
  drained = 0;
  /** Dead letters written to their output. */
  dead_lettered = 0;
  /** Dead letters their output refused (full folder, failed disk): logged as errors and counted here. */
  dead_letters_lost = 0;
  /** Responses by status code. */
  readonly responses: Record<string, number> = {};

  countResponse(status: number): void {
    this.responses[status] = (this.responses[status] ?? 0) + 1;
  }

  snapshot(): Record<string, number | Record<string, number>> {
    const { accepted, rejected, spooled, forwarded, drained, dead_lettered, dead_letters_lost } = this;
    return { accepted, rejected, spooled, forwarded, drained, dead_lettered, dead_letters_lost, responses: { ...this.responses } };
  }
}
