/** Creators, shows and offers leaderboards: sortable, conversion with its Wilson interval, small groups marked, watch minutes (of an offer: of the sessions it was shown in). */
import { csvUrl, firstThenRest, type ApiRequest } from '../api.ts';
import { el, fmt, intervalBar, section, smallSample, table } from '../ui.ts';
import type { View } from './view.ts';

const BOARDS = [
  { by: 'creator', title: 'Creators', key: 'creator_id' },
  { by: 'show', title: 'Shows', key: 'show_id' },
  { by: 'offer', title: 'Offers', key: 'offer_id' },
] as const;

export const leaderboards: View = {
  id: 'leaderboards',
  title: 'Leaderboards',
  summary: 'Which creators, shows and offer formats sell and hold attention: conversion with its 95% interval, revenue and watch minutes per viewer. Click a header to sort.',
  firstRequests: () => BOARDS.map((b): ApiRequest => ({ path: '/api/v1/reports/conversion', params: { by: b.by } })),
  async render(root) {
    // The first board's request first, then the others; each board is drawn as soon as it and the ones above it have answered.
    const answers = firstThenRest(leaderboards.firstRequests!({}));
    for (const [i, pending] of answers.entries()) {
      const answer = await pending;
      const b = BOARDS[i]!;
      if (answer.status === 'rejected') {
        root.append(section(b.title, el('p', { class: 'state error', role: 'alert' }, String(answer.reason))));
        continue;
      }
      const rows = answer.value.rows;
      const max = Math.max(0.01, ...rows.map((r) => Number(r.conversion_rate_ci_high ?? 0)));
      root.append(section(b.title, table(rows, [
        { key: 'retailer_id', label: 'Retailer' },
        { key: b.key, label: b.title.slice(0, -1) },
        { key: 'viewers', label: 'Viewers', kind: 'int' },
        { key: 'clickers', label: 'Clickers', kind: 'int' },
        { key: 'buyers', label: 'Buyers', kind: 'int' },
        { key: 'conversion_rate', label: 'Conversion (95% interval)', render: (r) => intervalBar(r.conversion_rate, r.conversion_rate_ci_low, r.conversion_rate_ci_high, max, smallSample(r)) },
        { key: 'revenue', label: 'Revenue', kind: 'money' },
        { key: 'revenue_per_viewer', label: 'Revenue / viewer', kind: 'money' },
        { key: 'watch_minutes', label: 'Watch minutes', render: (r) => fmt.num(r.watch_minutes, 1), numeric: true },
        { key: 'watch_minutes_per_viewer', label: 'Min / viewer', render: (r) => fmt.num(r.watch_minutes_per_viewer, 1), numeric: true },
      ], b.title.toLowerCase()), csvUrl('/api/v1/reports/conversion', { by: b.by })));
    }
  },
};
