/**
 * Every ClickHouse query of every dashboard in dashboards/, expanded the way Grafana and the
 * ClickHouse plugin expand it (./grafana-macros.ts), runs against the real server holding a
 * simulator run stored by the real sink, and returns the columns its panel is declared to show.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPipelines } from '../../../src/config/pipeline-loader.js';
import { createTestDatabase, type TestDatabase } from '../helpers/clickhouse.js';
import { clickhouseUrl } from '../helpers/services.js';
import {
  applyConditionalAll,
  expandGrafanaSql,
  replaceVariables,
  type VariableSelection,
} from './grafana-macros.js';
import { seedHistory, type SeedResult } from './seed-history.js';

interface Target {
  refId: string;
  datasource: { type: string; uid: string };
  rawSql?: string;
  expr?: string;
  format?: number;
}
interface Panel {
  title: string;
  type: string;
  datasource: { type: string; uid: string };
  targets: Target[];
  fieldConfig: { defaults: { thresholds?: { steps: Array<{ value: number | null }> } } };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: {
    list: Array<{ name: string; type: string; datasource: { uid: string }; query: { rawSql: string } }>;
  };
}

const CLICKHOUSE = { type: 'grafana-clickhouse-datasource', uid: 'cxpulse-clickhouse' };
const PROMETHEUS_UID = 'cxpulse-prometheus';

/** The columns each panel shows, and the pipeline target its thresholds must equal. */
const EXPECTED: Record<string, { columns: string[]; target?: [pipeline: string, indicator: string] }> = {
  'cxpulse-contact-center/Service level': {
    columns: ['service_level'],
    target: ['contact-center', 'service_level'],
  },
  'cxpulse-contact-center/ASA': { columns: ['asa_seconds'], target: ['contact-center', 'asa_seconds'] },
  'cxpulse-contact-center/Abandonment': {
    columns: ['abandonment_rate'],
    target: ['contact-center', 'abandonment_rate'],
  },
  'cxpulse-contact-center/AHT': { columns: ['aht_seconds'], target: ['contact-center', 'aht_seconds'] },
  'cxpulse-contact-center/Service level by queue': {
    columns: ['time', 'queue', 'service_level'],
    target: ['contact-center', 'service_level'],
  },
  'cxpulse-contact-center/ASA by queue': {
    columns: ['time', 'queue', 'asa_seconds'],
    target: ['contact-center', 'asa_seconds'],
  },
  'cxpulse-contact-center/Abandonment rate by queue': {
    columns: ['time', 'queue', 'abandonment_rate'],
    target: ['contact-center', 'abandonment_rate'],
  },
  'cxpulse-contact-center/Contacts in queue': { columns: ['time', 'queue', 'in_queue'] },
  'cxpulse-contact-center/Oldest wait by queue': {
    columns: ['time', 'queue', 'oldest_wait_seconds'],
    target: ['contact-center', 'oldest_wait_seconds'],
  },
  'cxpulse-contact-center/AHT by queue and channel': {
    columns: ['queue', 'channel', 'aht_seconds', 'contacts'],
    target: ['contact-center', 'aht_seconds'],
  },
  'cxpulse-voice-of-customer/CSAT': {
    columns: ['time', 'segment', 'csat'],
    target: ['voice-of-customer', 'csat'],
  },
  'cxpulse-voice-of-customer/NPS': {
    columns: ['time', 'segment', 'nps'],
    target: ['voice-of-customer', 'nps'],
  },
  'cxpulse-voice-of-customer/CES': {
    columns: ['time', 'segment', 'ces'],
    target: ['voice-of-customer', 'ces'],
  },
  'cxpulse-voice-of-customer/Sentiment': {
    columns: ['time', 'segment', 'sentiment'],
    target: ['voice-of-customer', 'sentiment'],
  },
  'cxpulse-voice-of-customer/Polarisation': {
    columns: ['time', 'segment', 'polarization'],
    target: ['voice-of-customer', 'polarization'],
  },
  'cxpulse-voice-of-customer/Top negative tags': { columns: ['tag', 'mentions'] },
  'cxpulse-digital-journeys/Touchpoint failure rate': {
    columns: ['time', 'touchpoint', 'failure_rate'],
    target: ['digital-journeys', 'touchpoint_failure_rate'],
  },
  'cxpulse-digital-journeys/Touchpoint latency quantiles': {
    columns: ['time', 'p50', 'p90', 'p99'],
    target: ['digital-journeys', 'touchpoint_latency_ms'],
  },
  'cxpulse-digital-journeys/p90 latency by touchpoint': {
    columns: ['touchpoint', 'p50_ms', 'worst_p90_ms', 'events'],
    target: ['digital-journeys', 'touchpoint_latency_ms'],
  },
  'cxpulse-digital-journeys/Journey completion rate': {
    columns: ['time', 'journey', 'completion_rate'],
    target: ['journey-outcomes', 'journey_completion_rate'],
  },
  'cxpulse-digital-journeys/Journey duration p90': {
    columns: ['time', 'journey', 'duration_p90'],
    target: ['journey-outcomes', 'journey_duration_seconds'],
  },
  'cxpulse-digital-journeys/Journey duration by journey': {
    columns: ['journey', 'p50_seconds', 'worst_p90_seconds', 'journeys'],
    target: ['journey-outcomes', 'journey_duration_seconds'],
  },
  'cxpulse-alerts/Open alerts': { columns: ['open_alerts'] },
  'cxpulse-alerts/Mean time to acknowledge': { columns: ['mtta_seconds'] },
  'cxpulse-alerts/Mean time to resolve': { columns: ['mttr_seconds'] },
  'cxpulse-alerts/Alerts started': { columns: ['time', 'severity', 'alerts'] },
  'cxpulse-alerts/Open alerts list': {
    columns: [
      'started',
      'rule',
      'severity',
      'key_id',
      'summary',
      'value',
      'threshold',
      'acknowledged',
      'acknowledged_by',
    ],
  },
  'cxpulse-alerts/Alert timeline': {
    columns: ['started', 'rule', 'severity', 'state', 'key_id', 'duration_seconds'],
  },
  'cxpulse-alerts/Time to acknowledge and resolve by rule': {
    columns: ['rule', 'alerts', 'mtta_seconds', 'mttr_seconds'],
  },
  'cxpulse-experience-analytics/Work orders by cause': { columns: ['time', 'cause', 'work_orders'] },
  'cxpulse-experience-analytics/Work orders by owner team': { columns: ['owner_team', 'work_orders'] },
  'cxpulse-experience-analytics/Latest work orders': {
    columns: [
      'raised',
      'segment',
      'cause',
      'owner_team',
      'touchpoint',
      'threshold',
      'abandons',
      'failed_touchpoints',
      'negative_answers',
      'long_waits',
      'repeat_contacts',
      'customer',
      'id',
    ],
  },
  'cxpulse-people-opinion/Opinion pressure by topic': { columns: ['time', 'topic', 'opinion_pressure'] },
  'cxpulse-people-opinion/Negative posts by topic': { columns: ['time', 'topic', 'negative_posts'] },
  'cxpulse-people-opinion/Occupancy by team': {
    columns: ['time', 'team', 'occupancy'],
    target: ['employee-experience', 'time_weighted_occupancy'],
  },
  'cxpulse-people-opinion/Overload streaks by team': {
    columns: ['time', 'team', 'past_streak_share'],
    target: ['employee-experience', 'overload_streak_share'],
  },
  'cxpulse-people-opinion/After-contact work by team': {
    columns: ['time', 'team', 'wrap_up_seconds'],
    target: ['employee-experience', 'after_contact_work_seconds'],
  },
  'cxpulse-people-opinion/Teams over the range': {
    columns: ['team', 'occupancy', 'past_streak_share', 'wrap_up_seconds'],
  },
  'cxpulse-journey-funnels/Funnel by stage': {
    columns: [
      'journey',
      'step',
      'stage',
      'touchpoint',
      'reached',
      'passed',
      'conversion',
      'drop_off',
      'lost',
    ],
  },
  'cxpulse-journey-funnels/Worst touchpoints by effect on the journey': {
    columns: ['touchpoint', 'journey', 'stage', 'lost', 'starts', 'effect'],
  },
  'cxpulse-journey-funnels/Stage conversion': { columns: ['time', 'journey_stage', 'conversion'] },
  'cxpulse-journey-funnels/Journey satisfaction': {
    columns: ['time', 'journey', 'csat'],
    target: ['journey-outcomes', 'journey_csat'],
  },
  'cxpulse-tag-rankings/Tag share over time': { columns: ['time', 'series', 'share'] },
  'cxpulse-tag-rankings/Latest ranking': {
    columns: ['polarity', 'rank', 'tag', 'tagged_answers', 'error', 'share', 'of_answers', 'window_end'],
  },
  'cxpulse-tag-rankings/Top negative tags': { columns: ['tag', 'tagged_answers', 'share', 'max_error'] },
  'cxpulse-tag-rankings/Top positive tags': { columns: ['tag', 'tagged_answers', 'share', 'max_error'] },
  'cxpulse-insights/Insights over time': { columns: ['time', 'kind_state', 'insights'] },
  'cxpulse-insights/Top driver impact': { columns: ['time', 'driver', 'impact'] },
  'cxpulse-insights/Diversion suggestions': {
    columns: [
      'raised',
      'state',
      'from_queue',
      'to_queue',
      'contacts_per_hour',
      'from_now',
      'from_after',
      'from_target',
      'to_now',
      'to_after',
      'to_target',
      'summary',
    ],
  },
  'cxpulse-insights/Driver ranking (latest report)': {
    columns: ['score', 'rank', 'touchpoint', 'r', 'effect', 'n', 'failures', 'p_value', 'impact', 'driver'],
  },
  'cxpulse-insights/Latest insights': {
    columns: ['raised', 'kind', 'key', 'state', 'subject', 'value', 'summary', 'id'],
  },
  'cxpulse-proactive-care/Proactive notifications by allowance': {
    columns: ['time', 'series', 'notifications'],
  },
  'cxpulse-proactive-care/Warning lead time': { columns: ['series', 'median_lead_days', 'notifications'] },
  'cxpulse-proactive-care/Latest proactive notifications': {
    columns: [
      'raised',
      'segment',
      'series',
      'remaining',
      'predicted_usage',
      'horizon_days',
      'runs_out',
      'run_out_probability',
      'next_bucket_usage',
      'history_buckets',
      'entity',
      'customer',
      'id',
    ],
  },
  'cxpulse-pipeline-health/Events stored per minute': { columns: ['time', 'type', 'events'] },
  'cxpulse-pipeline-health/Indicator values per minute': { columns: ['time', 'pipeline', 'values_written'] },
  'cxpulse-pipeline-health/Dead letters by reason': { columns: ['time', 'reason', 'dead_letters'] },
  'cxpulse-pipeline-health/Dead letters (totals)': {
    columns: ['reason', 'source_topic', 'dead_letters', 'last_seen'],
  },
  'cxpulse-pipeline-health/Kafka consumer lag': { columns: [] },
  'cxpulse-pipeline-health/Events in per second': { columns: [] },
};

const dashboards: Dashboard[] = readdirSync('dashboards')
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(`dashboards/${f}`, 'utf8')) as Dashboard);

const minute = 60_000;
const startTs = Math.floor((Date.now() - 50 * minute) / minute) * minute;
const durationMs = 20 * minute;
const range = { fromMs: startTs - 5 * minute, toMs: startTs + durationMs + 5 * minute };

let db: TestDatabase;
let seeded: SeedResult;

async function run(
  sql: string,
): Promise<{ columns: Array<{ name: string; type: string }>; rows: Record<string, unknown>[] }> {
  const result = await db.client.query({ query: sql, format: 'JSON' });
  const body = (await result.json()) as {
    meta: Array<{ name: string; type: string }>;
    data: Record<string, unknown>[];
  };
  return { columns: body.meta, rows: body.data };
}

/** Each variable's options, from its own query with every other variable at All. */
async function variableOptions(dashboard: Dashboard): Promise<VariableSelection[]> {
  const all: VariableSelection[] = dashboard.templating.list.map((v) => ({
    name: v.name,
    selected: ['$__all'],
    options: [],
  }));
  const resolved: VariableSelection[] = [];
  for (const v of dashboard.templating.list) {
    const sql = expandGrafanaSql(v.query.rawSql, { ...range, intervalMs: minute, variables: all });
    const { rows, columns } = await run(sql);
    resolved.push({
      name: v.name,
      selected: ['$__all'],
      options: rows.map((r) => String(r[columns[0]!.name])),
    });
  }
  return resolved;
}

function clickhouseTargets(panel: Panel): Target[] {
  return panel.targets.filter((t) => t.datasource.uid === CLICKHOUSE.uid);
}

beforeAll(async () => {
  db = await createTestDatabase();
  seeded = await seedHistory({ url: clickhouseUrl(), database: db.database, startTs, durationMs, rate: 40 });
}, 120_000);

afterAll(async () => {
  await db?.drop();
});

describe('the macro expansion follows the plugin', () => {
  const variables: VariableSelection[] = [
    { name: 'queue', selected: ['$__all'], options: ['a/voice', 'b/chat'] },
    { name: 'channel', selected: ['voice'], options: ['voice', 'chat'] },
  ];
  it('drops a conditionalAll on All to 1=1 and keeps it otherwise', () => {
    const sql =
      'WHERE $__conditionalAll(queue IN (${queue}), $queue) AND $__conditionalAll(channel IN (${channel}), $channel)';
    expect(applyConditionalAll(sql, variables)).toBe('WHERE 1=1 AND channel IN (${channel})');
  });
  it('quotes multi-value selections and expands All to every option', () => {
    expect(replaceVariables('q IN (${queue}) AND c IN ($channel)', variables)).toBe(
      "q IN ('a/voice','b/chat') AND c IN ('voice')",
    );
  });
  it('turns time macros into seconds and refuses the ones 18.16 cannot run', () => {
    const context = { fromMs: 1_000_500, toMs: 2_000_999, intervalMs: 500, variables };
    expect(expandGrafanaSql('$__timeFilter(ts) AND x = $__interval_s', context)).toBe(
      'ts >= toDateTime(1000) AND ts <= toDateTime(2000) AND x = 1',
    );
    expect(() => expandGrafanaSql('SELECT $__timeInterval(ts)', context)).toThrow(/18\.16/);
  });
});

describe('dashboards', () => {
  it('are the expected dashboards, every panel declared here and every declaration used', () => {
    expect(dashboards.map((d) => d.uid).sort()).toEqual([
      'cxpulse-alerts',
      'cxpulse-contact-center',
      'cxpulse-digital-journeys',
      'cxpulse-experience-analytics',
      'cxpulse-insights',
      'cxpulse-journey-funnels',
      'cxpulse-people-opinion',
      'cxpulse-pipeline-health',
      'cxpulse-proactive-care',
      'cxpulse-tag-rankings',
      'cxpulse-voice-of-customer',
    ]);
    const panelKeys = dashboards.flatMap((d) => d.panels.map((p) => `${d.uid}/${p.title}`));
    expect(new Set(panelKeys).size).toBe(panelKeys.length);
    expect(panelKeys.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('use only the provisioned datasources, raw SQL for ClickHouse and known metrics for Prometheus', () => {
    const metricsSource = readFileSync('src/observability/metrics.ts', 'utf8');
    for (const d of dashboards) {
      for (const v of d.templating.list) {
        expect(v.type, `${d.uid} $${v.name}`).toBe('query');
        expect(v.datasource.uid).toBe(CLICKHOUSE.uid);
      }
      for (const p of d.panels) {
        for (const t of p.targets) {
          if (t.datasource.uid === PROMETHEUS_UID) {
            const metrics = t.expr!.match(/cxpulse_[a-z_]+/g) ?? [];
            expect(metrics.length, `${d.uid}/${p.title}`).toBeGreaterThan(0);
            for (const m of metrics) expect(metricsSource, `${m} is exported`).toContain(`'${m}'`);
          } else {
            expect(t.datasource, `${d.uid}/${p.title}`).toEqual(CLICKHOUSE);
            expect(t.rawSql, `${d.uid}/${p.title}`).toBeTruthy();
          }
        }
      }
    }
  });

  it('show the pipeline targets as thresholds', () => {
    const pipelines = loadPipelines('pipelines');
    let checked = 0;
    for (const d of dashboards) {
      for (const p of d.panels) {
        const declared = EXPECTED[`${d.uid}/${p.title}`]?.target;
        if (!declared) continue;
        const definition = pipelines
          .find((pl) => pl.name === declared[0])
          ?.indicators.find((i) => (i.name ?? i.id) === declared[1]);
        const target = definition?.target;
        expect(target, `${declared.join('/')} has a target`).toBeDefined();
        const steps = p.fieldConfig.defaults.thresholds!.steps.map((s) => s.value).filter((v) => v !== null);
        expect(
          [...steps].sort((a, b) => a! - b!),
          `${d.uid}/${p.title}`,
        ).toEqual([target!.warn, target!.breach].sort((a, b) => a - b));
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(15);
  });

  it('seeded a simulator run', () => {
    expect(seeded.events).toBeGreaterThan(10_000);
    expect(seeded.values).toBeGreaterThan(1_000);
    // At least the two scripted customers' work orders, one per segment.
    expect(new Set(seeded.workOrders.map((o) => o.segment))).toEqual(new Set(['vip', 'standard']));
  });

  for (const dashboard of dashboards) {
    it(`${dashboard.uid}: every query returns its panel's columns, with All and with one value selected`, async () => {
      const options = await variableOptions(dashboard);
      for (const v of options) expect(v.options.length, `$${v.name} has options`).toBeGreaterThan(1);
      // One value of each variable: the first option, the way a user picks one from the list.
      const single = options.map((v) => ({ ...v, selected: [v.options[0]!] }));
      for (const panel of dashboard.panels) {
        const key = `${dashboard.uid}/${panel.title}`;
        const expected = EXPECTED[key]!.columns;
        for (const target of clickhouseTargets(panel)) {
          for (const [label, variables, intervalMs] of [
            ['All', options, minute],
            ['one value', single, 10_000],
          ] as const) {
            const sql = expandGrafanaSql(target.rawSql!, { ...range, intervalMs, variables });
            let result;
            try {
              result = await run(sql);
            } catch (error) {
              throw new Error(`${key} (${label}) failed: ${(error as Error).message}\n${sql}`, {
                cause: error,
              });
            }
            expect(
              result.columns.map((c) => c.name),
              `${key} (${label})`,
            ).toEqual(expected);
            if (target.format === 0)
              expect(result.columns[0]!.type, `${key} time column`).toMatch(/^DateTime/);
            if (label === 'All') expect(result.rows.length, `${key} returns rows`).toBeGreaterThan(0);
          }
        }
      }
    });
  }

  it('list the stored work orders with their owner team, newest first, and filter by segment', async () => {
    const dashboard = dashboards.find((d) => d.uid === 'cxpulse-experience-analytics')!;
    const latest = dashboard.panels.find((p) => p.title === 'Latest work orders')!;
    const rowsFor = async (segment: string[]) => {
      const sql = expandGrafanaSql(latest.targets[0]!.rawSql!, {
        ...range,
        intervalMs: minute,
        variables: [{ name: 'segment', selected: segment, options: ['standard', 'vip'] }],
      });
      return (await run(sql)).rows;
    };
    const all = await rowsFor(['$__all']);
    const expected = [...seeded.workOrders].sort((a, b) => b.ts - a.ts);
    expect(all.map((r) => r.id)).toEqual(expected.map((o) => o.id));
    const vip = expected.find((o) => o.segment === 'vip' && o.ownerTeam === 'vip-care')!;
    expect(all.find((r) => r.id === vip.id)).toMatchObject({
      segment: 'vip',
      cause: 'abandons',
      owner_team: 'vip-care',
      touchpoint: 'vip/voice',
      abandons: vip.evidence.abandons,
    });
    const onlyVip = await rowsFor(['vip']);
    expect(onlyVip.length).toBeGreaterThan(0);
    expect(onlyVip.every((r) => r.segment === 'vip')).toBe(true);
    expect(onlyVip.length).toBeLessThan(all.length);
  });

  it('show each journey funnel as the stored events count it, with conversions and effects from those counts', async () => {
    const dashboard = dashboards.find((d) => d.uid === 'cxpulse-journey-funnels')!;
    const rowsOf = async (title: string) =>
      (
        await run(
          expandGrafanaSql(dashboard.panels.find((p) => p.title === title)!.targets[0]!.rawSql!, {
            ...range,
            intervalMs: minute,
            variables: [{ name: 'journey', selected: ['$__all'], options: ['payment', 'sign-up'] }],
          }),
        )
      ).rows;
    const funnel = await rowsOf('Funnel by stage');
    // Journeys that reached a stage, straight from the stored raw events: each journey once.
    const { rows: raw } = await run(
      `SELECT journey, stage_index + 1 AS step, uniqExact(journey_id) AS journeys FROM interactions
       WHERE type = 'touchpoint.event' AND stage_index IS NOT NULL GROUP BY journey, step`,
    );
    const reachedByStep = new Map(
      raw.map((r) => [`${String(r.journey)}/${Number(r.step)}`, Number(r.journeys)]),
    );
    expect(new Set(funnel.map((r) => r.journey))).toEqual(
      new Set(['fault-repair', 'move-house', 'payment', 'sign-up']),
    );
    for (const journey of new Set(funnel.map((r) => String(r.journey)))) {
      const stages = funnel.filter((r) => r.journey === journey);
      expect(stages.map((r) => Number(r.step))).toEqual(stages.map((_, i) => i + 1));
      stages.forEach((r, i) => {
        expect(Number(r.reached), `${journey} step ${i + 1}`).toBe(reachedByStep.get(`${journey}/${i + 1}`));
        const into = i + 1 < stages.length ? Number(stages[i + 1]!.reached) : Number(r.passed);
        expect(Number(r.conversion)).toBeCloseTo(into / Number(r.reached), 9);
        expect(Number(r.drop_off)).toBeCloseTo(1 - into / Number(r.reached), 9);
      });
    }
    const worst = await rowsOf('Worst touchpoints by effect on the journey');
    expect(worst.length).toBeGreaterThan(0);
    for (const w of worst) {
      const stage = funnel.find((r) => r.journey === w.journey && r.touchpoint === w.touchpoint)!;
      const starts = Number(funnel.find((r) => r.journey === w.journey && Number(r.step) === 1)!.reached);
      expect(Number(w.lost)).toBe(Number(stage.lost));
      expect(Number(w.starts)).toBe(starts);
      expect(Number(w.effect)).toBeCloseTo(Number(w.lost) / starts, 9);
    }
    const effects = worst.map((w) => Number(w.effect));
    expect(effects).toEqual([...effects].sort((a, b) => b - a));
  });

  it('show the newest final tag ranking as written, and shares of the stored answers', async () => {
    const dashboard = dashboards.find((d) => d.uid === 'cxpulse-tag-rankings')!;
    const sqlOf = (title: string, polarity: string) =>
      expandGrafanaSql(dashboard.panels.find((p) => p.title === title)!.targets[0]!.rawSql!, {
        ...range,
        intervalMs: minute,
        variables: [{ name: 'polarity', selected: [polarity], options: ['negative', 'positive'] }],
      });
    const finals = seeded.tagRankings.filter((r) => r.kind === 'final' && r.window === '15m/1m');
    const newest = Math.max(...finals.map((r) => r.windowStart));
    const expected = finals.find((r) => r.windowStart === newest && r.polarity === 'negative')!;
    const latest = (await run(sqlOf('Latest ranking', 'negative'))).rows;
    expect(
      latest.map((r) => [r.rank, r.tag, Number(r.tagged_answers), Number(r.error), Number(r.of_answers)]),
    ).toEqual(expected.entries.map((e) => [e.rank, e.tag, e.count, e.error, expected.answers]));
    const top = (await run(sqlOf('Top negative tags', 'negative'))).rows;
    expect(top.length).toBeGreaterThan(2);
    for (const row of top) {
      expect(Number(row.share)).toBeGreaterThan(0);
      expect(Number(row.share)).toBeLessThanOrEqual(1);
    }
    const answers = top.map((r) => Number(r.tagged_answers));
    expect(answers).toEqual([...answers].sort((a, b) => b - a));
  });

  it('list the stored proactive notifications, newest first, with their forecast, per allowance', async () => {
    const dashboard = dashboards.find((d) => d.uid === 'cxpulse-proactive-care')!;
    const rowsOf = async (title: string, series: string[]) =>
      (
        await run(
          expandGrafanaSql(dashboard.panels.find((p) => p.title === title)!.targets[0]!.rawSql!, {
            ...range,
            intervalMs: minute,
            variables: [{ name: 'series', selected: series, options: ['credit', 'data-mb'] }],
          }),
        )
      ).rows;
    const expected = [...seeded.proactiveNotifications].sort((a, b) => b.ts - a.ts);
    expect(expected.map((n) => n.series).sort()).toEqual(['credit', 'data-mb']);
    const latest = await rowsOf('Latest proactive notifications', ['$__all']);
    expect(latest.map((r) => r.id)).toEqual(expected.map((n) => n.id));
    const data = expected.find((n) => n.series === 'data-mb')!;
    const row = latest.find((r) => r.id === data.id)!;
    expect(row).toMatchObject({
      segment: 'prepaid',
      series: 'data-mb',
      horizon_days: '7',
      entity: data.entity,
    });
    expect(Number(row.remaining)).toBeCloseTo(data.remaining, 1);
    expect(Number(row.predicted_usage)).toBeCloseTo(data.predictedUsage, 1);
    expect(Number(row.history_buckets)).toBe(data.historyBuckets);
    const lead = await rowsOf('Warning lead time', ['data-mb']);
    expect(lead).toHaveLength(1);
    expect(Number(lead[0]!.median_lead_days)).toBeCloseTo(
      (data.predictedRunOutTs! - data.ts) / 86_400_000,
      2,
    );
  });

  it('show the stored diversion suggestion and the newest driver ranking as raised', async () => {
    const dashboard = dashboards.find((d) => d.uid === 'cxpulse-insights')!;
    const rowsOf = async (title: string) =>
      (
        await run(
          expandGrafanaSql(dashboard.panels.find((p) => p.title === title)!.targets[0]!.rawSql!, {
            ...range,
            intervalMs: minute,
            variables: [
              { name: 'kind', selected: ['$__all'], options: ['channel-diversion', 'driver-analysis'] },
            ],
          }),
        )
      ).rows;
    const suggestion = seeded.insights.find((i) => i.kind === 'channel-diversion' && i.state === 'suggested');
    if (suggestion?.kind !== 'channel-diversion') throw new Error('the seed raised no diversion suggestion');
    const [row] = await rowsOf('Diversion suggestions');
    expect(row).toMatchObject({
      state: 'suggested',
      from_queue: 'billing/voice',
      to_queue: 'billing/chat',
      contacts_per_hour: suggestion.details.contactsPerHour,
    });
    expect(Number(row!.from_after)).toBeCloseTo(suggestion.details.fromServiceLevelAfter, 9);
    const newest = (score: string) =>
      seeded.insights
        .filter((i) => i.kind === 'driver-analysis' && i.key === score)
        .sort((a, b) => b.ts - a.ts)[0]!;
    const ranking = await rowsOf('Driver ranking (latest report)');
    for (const score of ['csat', 'nps']) {
      const report = newest(score);
      if (report.kind !== 'driver-analysis') throw new Error('unreachable');
      const rows = ranking.filter((r) => r.score === score);
      expect(
        rows.map((r) => [r.rank, r.touchpoint, Number(r.n), Number(r.failures), Boolean(r.driver)]),
      ).toEqual(report.details.drivers.map((d, i) => [i + 1, d.touchpoint, d.n, d.failures, d.driver]));
      rows.forEach((r, i) => {
        expect(Number(r.r)).toBeCloseTo(report.details.drivers[i]!.r, 9);
        expect(Number(r.impact)).toBeCloseTo(report.details.drivers[i]!.impact, 9);
      });
    }
    expect(ranking.some((r) => r.touchpoint === 'payment-gateway' && Boolean(r.driver))).toBe(true);
  });

  it('compute the alert figures from the stored alert changes', async () => {
    const alerts = dashboards.find((d) => d.uid === 'cxpulse-alerts')!;
    const value = async (title: string) => {
      const panel = alerts.panels.find((p) => p.title === title)!;
      const sql = expandGrafanaSql(panel.targets[0]!.rawSql!, {
        ...range,
        intervalMs: minute,
        variables: [],
      });
      const { rows } = await run(sql);
      return Number(Object.values(rows[0]!)[0]);
    };
    // One alert still firing (acknowledged 2 min after it started), one resolved after 6 min.
    expect(await value('Open alerts')).toBe(1);
    expect(await value('Mean time to acknowledge')).toBe(120);
    expect(await value('Mean time to resolve')).toBe(360);
  });
});
