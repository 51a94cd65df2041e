import { describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EnrichedEvent } from '../contract/enriched.ts';
import { validateEvent } from '../contract/events.ts';
import { createRandom } from '../simulate/world/random.ts';
import { LiveAggregator } from './aggregator.ts';
import { AlertEvaluator, type RuleNotification } from './alerts/evaluator.ts';
import { DEFAULT_ALERT_COOLDOWN_S, DEFAULT_ALERT_MIN_VIEWERS, DEFAULT_ALERT_RULES, parseAlertRules } from './alerts/rules.ts';
import {
  HEARTBEAT_MS, PROBLEM_EVERY_MS, PROBLEM_FIRST_MS, PROBLEM_MS, PROBLEM_REGION, problemAt, startTrickle, trickleAudience, trickleTick, TRICKLE_VIEWERS,
} from './demo-trickle.ts';
import { DEFAULT_LIVE_WINDOW_S } from './limits.ts';

describe('demo live trickle', () => {
  it('has a latency problem from time to time', () => {
    expect(problemAt(0)).toBe(false);
    expect(problemAt(PROBLEM_FIRST_MS)).toBe(true);
    expect(problemAt(PROBLEM_FIRST_MS + PROBLEM_MS)).toBe(false);
    expect(problemAt(PROBLEM_FIRST_MS + PROBLEM_EVERY_MS + 1)).toBe(true);
  });

  it('posts valid events per region with the write key and region header, one request at a time, retrying a 503', async () => {
    const got: { region: string; key: string; events: unknown[] }[] = [];
    let open = 0;
    let maxOpen = 0;
    let refuse = 1;
    const server = createServer((req, res) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      let text = '';
      req.on('data', (d) => (text += d));
      req.on('end', () => {
        setTimeout(() => {
          open--;
          if (refuse-- > 0) {
            res.writeHead(503, { 'retry-after': '0' }).end();
            return;
          }
          const body = JSON.parse(text);
          got.push({ region: String(req.headers['cloudfront-viewer-country']), key: String(req.headers['x-write-key']), events: body.events });
          res.writeHead(200).end('{}');
        }, 5);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const t = startTrickle({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writeKey: 'demo-key-1', retailerId: 'northwind' });
    await t.stop();
    await new Promise((r) => server.close(r));
    expect(got.map((g) => g.region).sort()).toEqual(Object.keys(TRICKLE_VIEWERS).sort());
    expect(maxOpen).toBe(1);
    expect(got.every((g) => g.key === 'demo-key-1')).toBe(true);
    const events = got.flatMap((g) => g.events);
    expect(events.length).toBeGreaterThanOrEqual(2 * t.viewers); // session_start + startup each on the first tick
    for (const e of events) expect(validateEvent(e).ok, JSON.stringify(e)).toBe(true);
  });

  it('at the defaults, the latency alert fires in each problem, resolves between them, and only for the problem region', () => {
    const T0 = 1_800_000_000_000;
    const rng = createRandom(11);
    const agg = new LiveAggregator({ windowS: DEFAULT_LIVE_WINDOW_S });
    const alerts = new AlertEvaluator({ rules: parseAlertRules(DEFAULT_ALERT_RULES), minViewers: DEFAULT_ALERT_MIN_VIEWERS, cooldownS: DEFAULT_ALERT_COOLDOWN_S });
    const viewers = trickleAudience();
    const latency: Array<[string, number]> = [];
    const regions = new Set<string>();
    // Two problem cycles and the start of a third, one snapshot a second as the live view takes them.
    const endS = (PROBLEM_FIRST_MS + 2 * PROBLEM_EVERY_MS + PROBLEM_MS) / 1000;
    for (let s = 0; s <= endS; s++) {
      const t = T0 + s * 1000;
      if ((s * 1000) % HEARTBEAT_MS === 0) {
        for (const [region, events] of trickleTick(viewers, t, { showId: 'live-show', creatorId: 'cr-live', problem: problemAt(s * 1000), random: () => rng.next() })) {
          for (const e of events) agg.add({ ...e, retailer_id: 'northwind', received_at: t + 300, event_time: t, region, device: 'desktop' } as EnrichedEvent);
        }
      }
      for (const n of alerts.evaluate(agg.snapshot(t + 1_000))) {
        const r = n as RuleNotification;
        regions.add(r.region);
        if (r.rule === 'latency_p95_ms>8000') latency.push([r.status, s]);
      }
    }
    expect([...regions]).toEqual([PROBLEM_REGION]);
    expect(latency.map(([status]) => status)).toEqual(['firing', 'resolved', 'firing', 'resolved', 'firing']);
    // Each firing while its problem lasts; each resolution before the next problem starts.
    for (let cycle = 0; cycle < 3; cycle++) {
      const start = (PROBLEM_FIRST_MS + cycle * PROBLEM_EVERY_MS) / 1000;
      const fired = latency[2 * cycle]![1];
      expect(fired).toBeGreaterThanOrEqual(start);
      expect(fired).toBeLessThan(start + PROBLEM_MS / 1000);
      if (cycle < 2) expect(latency[2 * cycle + 1]![1]).toBeLessThan(start + PROBLEM_EVERY_MS / 1000);
    }
    // Enough viewers in the problem region for the minimum audience, and the same through the window.
    const br = agg.snapshot(T0 + endS * 1000).groups.find((g) => g.region === PROBLEM_REGION)!;
    expect(br.concurrent_viewers).toBe(TRICKLE_VIEWERS[PROBLEM_REGION]);
  });
});
