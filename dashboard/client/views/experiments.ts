/**
 * Experiments: the list, and per experiment (the `experiment` URL
 * parameter) its variants with planned split, SRM badge, exclusions, a
 * forest plot of each metric's relative lift (CUPED beside unadjusted),
 * p-value or chance to win, the correction and a plain-words verdict;
 * then the cumulative lift by day of first exposure (experiment-cumulative.ts).
 */
import { getJson, csvUrl, type ApiRequest } from '../api.ts';
import { el, empty, failed, fmt, forestBar, section, table, type Row } from '../ui.ts';
import { cumulativeCharts, cumulativePoints } from './experiment-cumulative.ts';
import type { View } from './view.ts';

const METRIC_NAMES: Record<string, string> = { converted: 'Conversion', revenue: 'Revenue per viewer', watch_minutes: 'Watch minutes', clicks: 'Clicks per viewer' };

function verdict(r: Row, method: string, alpha: number): string {
  const cuped = r.cuped_relative_lift !== null && r.cuped_relative_lift !== undefined;
  const loCell = cuped ? r.cuped_relative_ci_low : r.relative_ci_low;
  const hiCell = cuped ? r.cuped_relative_ci_high : r.relative_ci_high;
  const lo = typeof loCell === 'number' ? loCell : Number.NaN;
  const hi = typeof hiCell === 'number' ? hiCell : Number.NaN;
  const name = `${String(r.variant)} ${METRIC_NAMES[String(r.metric)] ?? String(r.metric)}`;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return `${name}: not enough data to compare.`;
  if (lo > 0) return `${name}: better than control (the whole ${method === 'bayesian' ? 'credible' : 'confidence'} interval is above zero).`;
  if (hi < 0) return `${name}: worse than control (the whole interval is below zero).`;
  return `${name}: no clear difference yet at α = ${alpha}; the interval spans zero.`;
}

export const experiments: View = {
  id: 'experiments',
  title: 'Experiments',
  summary: 'A/B tests per retailer: assignment, sample-ratio check, and each metric\'s lift with its interval, CUPED beside unadjusted.',
  hiddenFilters: ['creator', 'show', 'region'],
  firstRequests: (): ApiRequest[] => [{ path: '/api/v1/experiments', omit: ['creator', 'show', 'region'] }],
  async render(root) {
    const [first] = experiments.firstRequests!({});
    const list = await getJson(first!.path, first!.params, first!.omit);
    const chosen = new URLSearchParams(location.search).get('experiment');
    const ids = [...new Set(list.rows.map((r) => String(r.experiment_id)))];
    root.append(section('Experiments seen', table(list.rows, [
      { key: 'retailer_id', label: 'Retailer' },
      { key: 'experiment_id', label: 'Experiment', render: (r) => {
        const params = new URLSearchParams(location.search);
        params.set('experiment', String(r.experiment_id));
        // Experiments are analysed per retailer.
        params.set('retailer', String(r.retailer_id));
        return el('a', { href: `?${params}` }, String(r.experiment_id));
      } },
      { key: 'unit', label: 'Unit' },
      { key: 'variant', label: 'Variant' },
      { key: 'exposed', label: 'Exposed', kind: 'int' },
    ], 'experiments'), csvUrl('/api/v1/experiments', {}, ['creator', 'show', 'region'])));
    const id = chosen ?? ids[0];
    if (id === undefined) return;
    // Without a choice, the first experiment of the first retailer listed (experiments are analysed per retailer).
    const extra: Record<string, string> = chosen === null && list.rows[0] && !new URLSearchParams(location.search).get('retailer') ? { retailer: String(list.rows[0].retailer_id) } : {};
    let report;
    try {
      report = await getJson(`/api/v1/experiments/${encodeURIComponent(id)}`, extra, ['creator', 'show', 'region']);
    } catch (err) {
      root.append(section(`Experiment ${id}`, failed(String(err))));
      return;
    }
    const method = String(report.method);
    const alpha = Number(report.alpha);
    const showLevel = report.unit === 'show';
    const unitName = showLevel ? 'shows' : 'viewers';
    // Each retailer's exposures are analysed apart (docs/spec.md §4): one header and split per retailer.
    const summaries = (Array.isArray(report.retailers) ? report.retailers : []) as Row[];
    const headers = summaries.map((part) => {
      const srm = part.srm_flagged === true;
      const exposed = showLevel ? part.exposed_shows : part.exposed_viewers;
      const excluded = showLevel ? part.excluded_shows : part.excluded_viewers;
      const head = el('div', { class: 'exp-head' },
        el('span', { class: `badge ${srm ? 'bad' : 'good'}`, title: `sample-ratio test p = ${fmt.num(part.srm_p_value as number, 4)}` }, srm ? 'Sample ratio mismatch: do not trust these results' : 'Sample ratio OK'),
        el('span', { class: 'muted' }, ` ${String(part.retailer_id)} · unit ${String(report.unit)} · control ${String(part.control)} · ${method} · α ${alpha} · correction ${String(report.correction)} · ${fmt.int(exposed as number)} ${unitName} exposed, ${fmt.int(excluded as number)} excluded for seeing several variants`));
      const split = table((part.assignments ?? []) as Row[], [
        { key: 'variant', label: 'Variant' },
        ...(showLevel ? [{ key: 'shows', label: 'Shows', kind: 'int' as const }] : []),
        { key: 'viewers', label: 'Viewers', kind: 'int' },
        { key: 'observed_share', label: 'Observed split', kind: 'pct' },
        { key: 'planned_share', label: 'Planned split', kind: 'pct' },
      ], 'variants');
      return el('div', {}, head, split);
    });
    const header = summaries.length ? el('div', {}, ...headers) : empty('No exposures in this selection: widen the range or clear a filter.');
    const variants = el('div', {});
    const rows = report.rows.filter((r) => r.guardrail !== true);
    const span = Math.max(0.05, ...rows.flatMap((r) => [r.relative_ci_low, r.relative_ci_high, r.cuped_relative_ci_low, r.cuped_relative_ci_high].map((v) => Math.abs(Number(v ?? 0))).filter(Number.isFinite)));
    const forest = rows.length
      ? el('ul', { class: 'forest-list' }, ...rows.map((r) => el('li', {},
        el('div', { class: 'forest-title' }, `${METRIC_NAMES[String(r.metric)] ?? String(r.metric)}${r.currency ? ` (${String(r.currency)})` : ''} · ${String(r.variant)} vs control`,
          el('span', { class: 'muted' }, method === 'bayesian' ? ` chance to win ${fmt.pct(r.chance_to_win)}` : ` p = ${fmt.num(r.p_value, 4)}${r.cuped_p_value !== null && r.cuped_p_value !== undefined ? `, CUPED p = ${fmt.num(r.cuped_p_value, 4)}` : ''}`)),
        forestBar(r.relative_lift, r.relative_ci_low, r.relative_ci_high, span, 'unadjusted'),
        forestBar(r.cuped_relative_lift, r.cuped_relative_ci_low, r.cuped_relative_ci_high, span, 'CUPED'),
        el('p', { class: 'verdict' }, verdict(r, method, alpha)))))
      : empty('No metric rows yet.');
    const guardrailRows = report.rows.filter((r) => r.guardrail === true);
    const guardrails = guardrailRows.length
      ? el('div', {}, el('h3', {}, 'Guardrails (shown apart, outside the correction)'), table(guardrailRows, [
        { key: 'metric', label: 'Metric' },
        { key: 'variant', label: 'Variant' },
        { key: 'control_mean', label: 'Control', kind: 'num' },
        { key: 'mean', label: 'Variant value', kind: 'num' },
        { key: 'relative_lift', label: 'Relative change', kind: 'pct' },
        { key: 'p_value', label: 'p-value', kind: 'num' },
      ], 'guardrails'))
      : el('div', {});
    const retailerName = extra.retailer ?? new URLSearchParams(location.search).get('retailer');
    root.append(section(`Experiment ${id}${retailerName ? ` · ${retailerName}` : ''}`, el('div', {}, header, variants, el('h3', {}, 'Relative lift per metric (interval at the corrected level)'), forest, guardrails),
      csvUrl(`/api/v1/experiments/${encodeURIComponent(id)}`, extra, ['creator', 'show', 'region'])));
    if (showLevel) return;
    const omit = ['creator', 'show', 'region'];
    const level = `${method === 'bayesian' ? 'credible' : 'confidence'} interval${String(report.correction) === 'none' ? '' : `, ${String(report.correction)}-corrected`}`;
    try {
      const { per, body } = await cumulativePoints(id, extra, omit);
      root.append(section(`Cumulative lift by ${per} of first exposure`, cumulativeCharts(body.rows, per, `${Math.round((1 - alpha) * 100)}% ${level}`),
        csvUrl(`/api/v1/experiments/${encodeURIComponent(id)}/cumulative`, { ...extra, by: per }, omit),
        `Each point: the lift over every viewer first exposed up to that ${per}, each measured up to the end of the range, as the report above computes it; the last point is the report's lift. A line that settles is a result that holds.`));
    } catch (err) {
      root.append(section('Cumulative lift', failed(String(err))));
    }
  },
};
