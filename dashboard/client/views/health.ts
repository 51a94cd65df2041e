/** Data health (SPEC 8): accepted, rejected by reason, duplicates dropped, order lines imported and refused, per retailer and day. */
import { csvUrl, getJson, type ApiRequest } from '../api.ts';
import { section, table, type Row } from '../ui.ts';
import type { View } from './view.ts';

export const health: View = {
  id: 'health',
  title: 'Data health',
  summary: 'What reached the lake and what did not, per retailer and UTC day: the way to trust the numbers above.',
  hiddenFilters: ['creator', 'show', 'region'],
  firstRequests: (): ApiRequest[] => [{ path: '/api/v1/health/data', omit: ['creator', 'show', 'region'] }],
  async render(root) {
    const [first] = health.firstRequests!({});
    const body = await getJson(first!.path, first!.params, first!.omit);
    root.append(section('Per retailer and day', table(body.rows, [
      { key: 'retailer_id', label: 'Retailer' },
      { key: 'day', label: 'Day (UTC)' },
      { key: 'events_accepted', label: 'Events accepted', kind: 'int' },
      { key: 'events_rejected', label: 'Rejected', kind: 'int' },
      { key: 'duplicates_dropped', label: 'Duplicates dropped', kind: 'int' },
      { key: 'order_lines_imported', label: 'Order lines imported', kind: 'int' },
      { key: 'order_lines_refused', label: 'Order lines refused', kind: 'int' },
    ], 'days'), csvUrl('/api/v1/health/data', {}, ['creator', 'show', 'region'])));
    root.append(section('Rejected events by reason', table((body.rejections ?? []) as Row[], [
      { key: 'retailer_id', label: 'Retailer' },
      { key: 'day', label: 'Day (UTC)' },
      { key: 'reason', label: 'Reason' },
      { key: 'events', label: 'Events', kind: 'int' },
    ], 'rejections')));
  },
};
