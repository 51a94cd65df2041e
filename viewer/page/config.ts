/**
 * What the viewer page reads from `GET /viewer/config.json` (viewer/routes.ts
 * writes it): where to send events, which show it is, the cards the stream
 * cues, and the SDK's intervals. Types only, shared by server and page.
 */
import type { ProductCardSpec } from '../product-cards.ts';

export interface ViewerConfig {
  /** Collector base URL; empty: this origin (the demo serves page and collector on one port). */
  endpoint: string;
  writeKey: string;
  retailerId: string;
  showId: string;
  creatorId: string;
  title: string;
  /** Master playlist URL. */
  stream: string;
  /** The IVS player's worker and wasm URLs. */
  wasmWorker: string;
  wasmBinary: string;
  /** The cards the stream's timed metadata names, by product_id. */
  cards: ProductCardSpec[];
  /** SDK intervals (ms): heartbeat and flush. */
  heartbeatIntervalMs: number;
  flushIntervalMs: number;
  /** Where a "Buy" places the demo order. */
  checkout: string;
}
