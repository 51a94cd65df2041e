/**
 * The event contract (docs/spec.md §2): one schema per event type, the types
 * derived from it, and the validator the collector runs on every event.
 *
 * The SDK imports only types from here (`import type`), so none of this code
 * lands in the browser bundle.
 *
 * @example
 * const r = validateEvent(JSON.parse(line));
 * if (r.ok) use(r.event); else console.error(r.error);
 */
import { Type, type Static, type TSchema, type TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import {
  EVENT_ID_PATTERN,
  MAX_BITRATE_KBPS,
  MAX_CHAT_MESSAGE_CHARS,
  MAX_EPOCH_MS,
  MAX_MEASURED_MS,
  MAX_PRICE,
  MAX_ERROR_MESSAGE_CHARS,
  MAX_EXPERIMENTS_PER_EVENT,
  MAX_HEARTBEAT_WATCH_MS,
  MAX_ID_CHARS,
  MAX_TEXT_PROP_CHARS,
} from './limits.ts';
import { cutAtCodePoint, escapeLoneSurrogates, firstLoneSurrogate } from './unicode.ts';

const Id = Type.String({ minLength: 1, maxLength: MAX_ID_CHARS });
const Text = Type.String({ maxLength: MAX_TEXT_PROP_CHARS });
/** Every number is bounded, so that the lake holds it and sums of it stay finite. */
const Duration = Type.Number({ minimum: 0, maximum: MAX_MEASURED_MS });
const Kbps = Type.Number({ minimum: 0, maximum: MAX_BITRATE_KBPS });
const EpochMs = Type.Integer({ minimum: 0, maximum: MAX_EPOCH_MS });
/** ISO 4217 code, for example `USD`. */
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/** The props of each event type. Unknown props are dropped, not rejected. */
export const PROPS_SCHEMAS = {
  session_start: Type.Object({ autoplay: Type.Optional(Type.Boolean()), page: Type.Optional(Text) }),
  startup: Type.Object({ startup_ms: Duration }),
  heartbeat: Type.Object({
    watch_ms: Type.Number({ minimum: 0, maximum: MAX_HEARTBEAT_WATCH_MS }),
    latency_ms: Type.Optional(Duration),
    bitrate_kbps: Type.Optional(Kbps),
    quality: Type.Optional(Text),
  }),
  buffer_start: Type.Object({}),
  buffer_end: Type.Object({ buffer_ms: Duration }),
  quality_change: Type.Object({
    from_kbps: Kbps,
    to_kbps: Kbps,
    quality: Type.Optional(Text),
  }),
  error: Type.Object({
    code: Type.String({ minLength: 1, maxLength: MAX_ID_CHARS }),
    message: Type.Optional(Type.String({ maxLength: MAX_ERROR_MESSAGE_CHARS })),
    fatal: Type.Boolean(),
  }),
  chat_message: Type.Object({ length: Type.Integer({ minimum: 0, maximum: MAX_CHAT_MESSAGE_CHARS }) }),
  product_impression: Type.Object({ product_id: Id, offer_id: Id }),
  click_to_buy: Type.Object({
    product_id: Id,
    offer_id: Id,
    click_id: Id,
    price: Type.Optional(Type.Number({ minimum: 0, maximum: MAX_PRICE })),
    currency: Type.Optional(Currency),
  }),
  exposure: Type.Object({ experiment_id: Id, variant: Id }),
  session_end: Type.Object({ reason: Type.Optional(Text) }),
} satisfies Record<string, TObject>;

export type EventType = keyof typeof PROPS_SCHEMAS;
export const EVENT_TYPES = Object.keys(PROPS_SCHEMAS) as EventType[];
export type PropsOf<T extends EventType> = Static<(typeof PROPS_SCHEMAS)[T]>;

/** Fields every event carries, whatever its type. */
export const COMMON_SCHEMA = Type.Object({
  event_id: Type.String({ pattern: EVENT_ID_PATTERN }),
  type: Type.Union(EVENT_TYPES.map((t) => Type.Literal(t))),
  ts: EpochMs,
  viewer_id: Id,
  session_id: Id,
  show_id: Id,
  creator_id: Id,
  user_id: Type.Optional(Id),
  experiments: Type.Optional(
    Type.Record(Type.String({ minLength: 1, maxLength: MAX_ID_CHARS }), Id, {
      maxProperties: MAX_EXPERIMENTS_PER_EVENT,
    }),
  ),
  props: Type.Optional(Type.Object({})),
});

type Common = Omit<Static<typeof COMMON_SCHEMA>, 'type' | 'props'>;

/** A validated event of type T, as the SDK sends it. */
export type EventOf<T extends EventType> = Common & { type: T; props: PropsOf<T> };
/** Any validated event (a union discriminated on `type`). */
export type LiveEvent = { [T in EventType]: EventOf<T> }[EventType];

/** The request body of `POST /v1/events`. */
export const ENVELOPE_SCHEMA = Type.Object({
  sent_at: EpochMs,
  events: Type.Array(Type.Unknown()),
});
export type Envelope = { sent_at: number; events: unknown[] };

const commonCheck = TypeCompiler.Compile(COMMON_SCHEMA);
const propsChecks = new Map<string, TypeCheck<TSchema>>(
  EVENT_TYPES.map((t) => [t, TypeCompiler.Compile(PROPS_SCHEMAS[t] as TSchema)]),
);
const envelopeCheck = TypeCompiler.Compile(ENVELOPE_SCHEMA);

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

/** Describes the first schema error of `value`: `"/props/watch_ms: Expected number to be less or equal to 60000"`. */
function firstError(check: TypeCheck<TSchema>, value: unknown, prefix: string): string {
  const e = check.Errors(value).First();
  if (!e) return `${prefix || '/'}: invalid`;
  return `${prefix}${e.path || ''}: ${e.message}`.replace(/^: /, '/: ');
}

/** Copies only the keys a schema knows, so unknown fields never reach storage. */
function pick(schema: TObject, value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

/**
 * Where a string (or object key) of a normalised event holds a lone UTF-16
 * surrogate, which the lake cannot store: the path and position, never the
 * text itself (so the reason is well-formed too).
 */
function loneSurrogateError(value: unknown, path: string): string | undefined {
  if (typeof value === 'string') {
    const at = firstLoneSurrogate(value);
    return at === -1 ? undefined : `${path || '/'}: string is not valid Unicode (lone UTF-16 surrogate at character ${at}); send well-formed text`;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, v] of Object.entries(value)) {
    if (firstLoneSurrogate(key) !== -1) return `${path || '/'}: a key is not valid Unicode (lone UTF-16 surrogate); send well-formed text`;
    const inner = loneSurrogateError(v, `${path}/${key}`);
    if (inner) return inner;
  }
  return undefined;
}

/**
 * Validates one event against the contract and returns a normalised copy
 * (known fields only, `props` always present). Strings must be well-formed
 * Unicode (no lone UTF-16 surrogate) and every number is bounded
 * (contract/limits.ts).
 */
export function validateEvent(raw: unknown): Validation<LiveEvent> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: '/: event must be a JSON object' };
  }
  const obj = raw as Record<string, unknown>;
  if (!commonCheck.Check(obj)) {
    if (typeof obj.type === 'string' && !(obj.type in PROPS_SCHEMAS)) {
      return { ok: false, error: `/type: unknown event type "${escapeLoneSurrogates(cutAtCodePoint(obj.type, MAX_ID_CHARS))}"; allowed: ${EVENT_TYPES.join(', ')}` };
    }
    return { ok: false, error: firstError(commonCheck, obj, '') };
  }
  const type = obj.type as EventType;
  const props = (obj.props ?? {}) as Record<string, unknown>;
  const check = propsChecks.get(type)!;
  if (!check.Check(props)) return { ok: false, error: firstError(check, props, '/props') };
  const event = pick(COMMON_SCHEMA, obj);
  event.props = pick(PROPS_SCHEMAS[type], props);
  const notUnicode = loneSurrogateError(event, '');
  if (notUnicode) return { ok: false, error: notUnicode };
  return { ok: true, value: event as LiveEvent };
}

/** Validates the request envelope (not the events inside it). */
export function validateEnvelope(raw: unknown): Validation<Envelope> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: 'body must be a JSON object {"sent_at": <epoch ms>, "events": [...]}' };
  }
  if (!envelopeCheck.Check(raw)) return { ok: false, error: firstError(envelopeCheck, raw, '') };
  return { ok: true, value: raw as Envelope };
}
