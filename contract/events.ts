/**
 * The event contract (SPEC section 2): one schema per event type, the types
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
  MAX_ERROR_MESSAGE_CHARS,
  MAX_EXPERIMENTS_PER_EVENT,
  MAX_HEARTBEAT_WATCH_MS,
  MAX_ID_CHARS,
  MAX_TEXT_PROP_CHARS,
} from './limits.ts';

const Id = Type.String({ minLength: 1, maxLength: MAX_ID_CHARS });
const Text = Type.String({ maxLength: MAX_TEXT_PROP_CHARS });
const NonNegative = Type.Number({ minimum: 0 });
const NonNegativeInt = Type.Integer({ minimum: 0 });
/** ISO 4217 code, for example `USD`. */
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/** The props of each event type. Unknown props are dropped, not rejected. */
export const PROPS_SCHEMAS = {
  session_start: Type.Object({ autoplay: Type.Optional(Type.Boolean()), page: Type.Optional(Text) }),
  startup: Type.Object({ startup_ms: NonNegative }),
  heartbeat: Type.Object({
    watch_ms: Type.Number({ minimum: 0, maximum: MAX_HEARTBEAT_WATCH_MS }),
    latency_ms: Type.Optional(NonNegative),
    bitrate_kbps: Type.Optional(NonNegative),
    quality: Type.Optional(Text),
  }),
  buffer_start: Type.Object({}),
  buffer_end: Type.Object({ buffer_ms: NonNegative }),
  quality_change: Type.Object({
    from_kbps: NonNegative,
    to_kbps: NonNegative,
    quality: Type.Optional(Text),
  }),
  error: Type.Object({
    code: Type.String({ minLength: 1, maxLength: MAX_ID_CHARS }),
    message: Type.Optional(Type.String({ maxLength: MAX_ERROR_MESSAGE_CHARS })),
    fatal: Type.Boolean(),
  }),
  chat_message: Type.Object({ length: NonNegativeInt }),
  product_impression: Type.Object({ product_id: Id, offer_id: Id }),
  click_to_buy: Type.Object({
    product_id: Id,
    offer_id: Id,
    click_id: Id,
    price: Type.Optional(NonNegative),
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
  ts: Type.Integer({ minimum: 0 }),
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
  sent_at: Type.Integer({ minimum: 0 }),
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
 * Validates one event against the contract and returns a normalised copy
 * (known fields only, `props` always present).
 */
export function validateEvent(raw: unknown): Validation<LiveEvent> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: '/: event must be a JSON object' };
  }
  const obj = raw as Record<string, unknown>;
  if (!commonCheck.Check(obj)) {
    if (typeof obj.type === 'string' && !(obj.type in PROPS_SCHEMAS)) {
      return { ok: false, error: `/type: unknown event type "${obj.type.slice(0, 64)}"; allowed: ${EVENT_TYPES.join(', ')}` };
    }
    return { ok: false, error: firstError(commonCheck, obj, '') };
  }
  const type = obj.type as EventType;
  const props = (obj.props ?? {}) as Record<string, unknown>;
  const check = propsChecks.get(type)!;
  if (!check.Check(props)) return { ok: false, error: firstError(check, props, '/props') };
  const event = pick(COMMON_SCHEMA, obj);
  event.props = pick(PROPS_SCHEMAS[type], props);
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
