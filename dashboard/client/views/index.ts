/** The dashboard's views, in navigation order: one line per view module. */
import { experiments } from './experiments.ts';
import { health } from './health.ts';
import { leaderboards } from './leaderboards.ts';
import { live } from './live.ts';
import { overview } from './overview.ts';
import { quality } from './quality.ts';
import { show } from './show.ts';
import type { View } from './view.ts';

export type { View } from './view.ts';

export const VIEWS: readonly View[] = [
  overview,
  leaderboards,
  show,
  quality,
  live,
  experiments,
  health,
];
