import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../../src/alerts/alert.js';
import { alertEngine, createEvaluator } from '../../../src/alerts/alert-engine.js';
import type { RuleVerdict } from '../../../src/alerts/rules/rule-evaluator.js';
import { watermelonRule } from '../../../src/alerts/rules/watermelon-rule.js';
import type {
  IndicatorDefinition,
  PipelineDefinition,
  TargetDefinition,
  WatermelonAlertRule,
} from '../../../src/config/pipeline-definition.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 9);
/** The first window end that is judged: one window size after the first final (the warm-up). */
const E1 = T0 + 15 * MINUTE;
const WINDOW = { name: '15m/1m', sizeMs: 15 * MINUTE, hopMs: MINUTE };
const higher = (warn: number, breach: number): TargetDefinition => ({
  direction: 'higher-is-better',
  warn,
  breach,
});
const lower = (warn: number, breach: number): TargetDefinition => ({
  direction: 'lower-is-better',
  warn,
  breach,
});

function indicator(
  name: string,
  id: IndicatorDefinition['id'],
  target: TargetDefinition,
  targetsByKey: Record<string, TargetDefinition> = {},
): IndicatorDefinition {
  return { id, name, params: {}, target, targetsByKey };
}

function rule(overrides: Partial<WatermelonAlertRule> = {}): WatermelonAlertRule {
  return {
    name: 'watermelon',
    type: 'watermelon',
    severity: 'critical',
    forCount: 1,
    resolveAfter: 1,
    window: '15m/1m',
    journey: [
      { indicator: 'journey_completion_rate', minSamples: 100 },
      { indicator: 'journey_duration_seconds' },
    ],
    touchpoints: {
      pipeline: 'touchpoints',
      window: '15m/1m',
      indicators: ['touchpoint_failure_rate', 'touchpoint_latency_ms'],
    },
    ...overrides,
  };
}

function pipelines(r: WatermelonAlertRule = rule()): [PipelineDefinition, PipelineDefinition] {
  const common = {
    source: { topics: ['cx.events'] },
    windows: [WINDOW],
    allowedLatenessMs: 30_000,
    correctionHorizonMs: 3_600_000,
    idleTimeoutMs: 10_000,
    earlyFiringIntervalMs: 1000,
    keyIdleEvictMs: 3_600_000,
    maxKeys: 100,
  };
  return [
    {
      ...common,
      name: 'journeys',
      keyBy: ['journey'],
      indicators: [
        indicator('journey_completion_rate', 'journey_completion_rate', higher(0.75, 0.6)),
        indicator('journey_duration_seconds', 'journey_duration_seconds', lower(600, 1200)),
      ],
      alerts: [r],
    },
    {
      ...common,
      name: 'touchpoints',
      keyBy: ['journey', 'touchpoint'],
      indicators: [
        indicator('touchpoint_failure_rate', 'touchpoint_failure_rate', lower(0.02, 0.05), {
          'touchpoint=line-test': lower(0.08, 0.12),
        }),
        indicator('touchpoint_latency_ms', 'touchpoint_latency_ms', lower(800, 2000)),
      ],
    },
  ];
}

function value(
  pipeline: string,
  indicatorName: string,
  key: Record<string, string>,
  windowEnd: number,
  v: number | null,
  extra: Partial<IndicatorValue> = {},
): IndicatorValue {
  const keyId = Object.keys(key)
    .sort()
    .map((d) => `${d}=${key[d]}`)
    .join(',');
  return {
    pipeline,
    indicator: indicatorName,
    window: '15m/1m',
    key,
    keyId,
    windowStart: windowEnd - 15 * MINUTE,
    windowEnd,
    kind: 'final',
    version: 1,
    value: v,
    ...extra,
  };
}

/** Journey-level finals of one journey and window end. */
function journey(name: string, end: number, completion: number | null, durationS = 60, starts = 500) {
  return [
    value('journeys', 'journey_completion_rate', { journey: name }, end, completion, {
      numerator: completion === null ? 0 : completion * starts,
      denominator: starts,
    }),
    value('journeys', 'journey_duration_seconds', { journey: name }, end, durationS, { samples: 300 }),
  ];
}

/** Touchpoint finals: touchpoint → [failure rate, median latency]. */
function touchpoints(name: string, end: number, readings: Record<string, [number, number]>) {
  return Object.entries(readings).flatMap(([tp, [failure, latency]]) => [
    value('touchpoints', 'touchpoint_failure_rate', { journey: name, touchpoint: tp }, end, failure, {
      denominator: 400,
    }),
    value('touchpoints', 'touchpoint_latency_ms', { journey: name, touchpoint: tp }, end, latency, {
      samples: 400,
    }),
  ]);
}

const GREEN = { login: [0.01, 350], 'bill-view': [0.004, 260], 'payment-gateway': [0.015, 900] } as Record<
  string,
  [number, number]
>;

/** An evaluator past its warm-up (a first final at T0). */
function primed(r: WatermelonAlertRule = rule()) {
  const [journeys, tps] = pipelines(r);
  const evaluator = watermelonRule(journeys, r, [journeys, tps]);
  expect(
    evaluator.observe([...journey('payment', T0, 0.9), ...touchpoints('payment', T0, GREEN)], T0),
  ).toEqual([]);
  return evaluator;
}

describe('watermelon rule', () => {
  it('is bad when the journey breaches while every touchpoint is inside its target, and says so', () => {
    const evaluator = primed();
    const [v] = evaluator.observe(
      [...touchpoints('payment', E1, GREEN), ...journey('payment', E1, 0.531)],
      E1,
    ) as [RuleVerdict];
    expect(v).toMatchObject({
      verdict: 'bad',
      keyId: 'journey=payment',
      key: { journey: 'payment' },
      indicator: 'journey_completion_rate',
      window: '15m/1m',
      value: 0.531,
      threshold: 0.6,
    });
    expect(v.annotations.summary).toBe(
      'watermelon: journey payment breaches journey_completion_rate 0.531 (breach 0.6) while all 3 touchpoints are inside target — ' +
        'bill-view: touchpoint_failure_rate 0.004 (breach 0.05), touchpoint_latency_ms 260 (breach 2000); ' +
        'login: touchpoint_failure_rate 0.01 (breach 0.05), touchpoint_latency_ms 350 (breach 2000); ' +
        'payment-gateway: touchpoint_failure_rate 0.015 (breach 0.05), touchpoint_latency_ms 900 (breach 2000)',
    );
    expect(v.annotations.description).toBe(
      [
        `journey payment, window 15m/1m ending ${new Date(E1).toISOString()}:`,
        '- journey_completion_rate 0.531 (breach 0.6): at or past its breach level (higher is better)',
        '- journey_duration_seconds 60 (breach 1200): inside its breach level (lower is better)',
        'Touchpoints of journey payment in touchpoints (15m/1m), value (breach level):',
        '- bill-view: touchpoint_failure_rate 0.004 (breach 0.05), touchpoint_latency_ms 260 (breach 2000)',
        '- login: touchpoint_failure_rate 0.01 (breach 0.05), touchpoint_latency_ms 350 (breach 2000)',
        '- payment-gateway: touchpoint_failure_rate 0.015 (breach 0.05), touchpoint_latency_ms 900 (breach 2000)',
        'Every touchpoint report is inside its target: the customers are lost between touchpoints (hand-offs, waits, silent drop-offs); the journey funnel shows where.',
      ].join('\n'),
    );
    expect(v.annotations).toMatchObject({
      journey: 'payment',
      journey_breaches: 'journey_completion_rate=0.531 (breach 0.6)',
      touchpoints_red: 'none',
      value: '0.531',
      threshold: '0.6',
    });
    expect(v.annotations.touchpoints!.split('\n')).toHaveLength(3);
  });

  it('counts amber touchpoints as inside, and breaches of duration as red inside', () => {
    const evaluator = primed();
    const amber = { ...GREEN, login: [0.03, 1500] as [number, number] };
    const [v] = evaluator.observe(
      [...touchpoints('payment', E1, amber), ...journey('payment', E1, 0.9, 1500)],
      E1,
    );
    expect(v).toMatchObject({
      verdict: 'bad',
      indicator: 'journey_duration_seconds',
      value: 1500,
      threshold: 1200,
    });
  });

  it('is ok when a touchpoint is red itself (its own alert) or when the journey is inside its targets', () => {
    const evaluator = primed();
    const red = { ...GREEN, 'payment-gateway': [0.05, 900] as [number, number] };
    const [withRed] = evaluator.observe(
      [...touchpoints('payment', E1, red), ...journey('payment', E1, 0.5)],
      E1,
    );
    expect(withRed).toMatchObject({ verdict: 'ok', indicator: 'journey_completion_rate' });
    expect(withRed!.annotations.touchpoints_red).toBe('payment-gateway');
    expect(withRed!.annotations.summary).toContain('red touchpoints: payment-gateway (their own alerts)');
    const [inside] = evaluator.observe(
      [...touchpoints('payment', E1 + MINUTE, GREEN), ...journey('payment', E1 + MINUTE, 0.61)],
      E1,
    );
    expect(inside).toMatchObject({ verdict: 'ok', value: 0.61 });
  });

  it('honours the touchpoint targets per key', () => {
    const evaluator = primed();
    const slow = { ...GREEN, 'line-test': [0.1, 900] as [number, number] };
    const [v] = evaluator.observe([...touchpoints('payment', E1, slow), ...journey('payment', E1, 0.4)], E1);
    expect(v!.verdict).toBe('bad');
    expect(v!.annotations.summary).toContain('line-test: touchpoint_failure_rate 0.1 (breach 0.12)');
  });

  it('judges no journey indicator below its minSamples, no journey without touchpoints, nothing early', () => {
    const evaluator = primed(rule({ journey: [{ indicator: 'journey_completion_rate', minSamples: 100 }] }));
    expect(
      evaluator.observe([...touchpoints('payment', E1, GREEN), ...journey('payment', E1, 0.2, 60, 99)], E1),
    ).toEqual([]);
    // No touchpoint of sign-up reported in that window.
    expect(
      evaluator.observe(
        [...touchpoints('payment', E1 + MINUTE, GREEN), ...journey('sign-up', E1 + MINUTE, 0.2)],
        E1,
      ),
    ).toEqual([]);
    const early = journey('payment', E1 + 2 * MINUTE, 0.2).map((v) => ({ ...v, kind: 'early' as const }));
    expect(evaluator.observe([...touchpoints('payment', E1 + 2 * MINUTE, GREEN), ...early], E1)).toEqual([]);
    // Touchpoints with no value or no target cannot make a journey green or red: no verdict.
    const noData = touchpoints('payment', E1 + 3 * MINUTE, { login: [0, 0] }).map((v) => ({
      ...v,
      value: null,
    }));
    expect(evaluator.observe([...noData, ...journey('payment', E1 + 3 * MINUTE, 0.2)], E1)).toEqual([]);
  });

  it('waits out the warm-up: windows ending within one window size of the first final are not judged', () => {
    const [journeys, tps] = pipelines();
    const evaluator = watermelonRule(journeys, rule(), [journeys, tps]);
    for (let end = T0; end < E1; end += MINUTE) {
      expect(
        evaluator.observe([...touchpoints('payment', end, GREEN), ...journey('payment', end, 0.3)], end),
      ).toEqual([]);
    }
    expect(
      evaluator.observe([...touchpoints('payment', E1, GREEN), ...journey('payment', E1, 0.3)], E1),
    ).toHaveLength(1);
  });

  it('judges a window end once both pipelines have closed it, in either order, and only once', () => {
    const evaluator = primed();
    // The journey pipeline first: wait for the touchpoints of that window.
    expect(evaluator.observe(journey('payment', E1, 0.5), E1)).toEqual([]);
    const [first] = evaluator.observe(touchpoints('payment', E1, GREEN), E1);
    expect(first).toMatchObject({ verdict: 'bad', value: 0.5 });
    // The touchpoint pipeline two hops ahead: its older windows are kept for the journey's.
    const e2 = E1 + MINUTE;
    expect(
      evaluator.observe(
        [...touchpoints('payment', e2, GREEN), ...touchpoints('payment', e2 + MINUTE, GREEN)],
        e2,
      ),
    ).toEqual([]);
    expect(evaluator.observe(journey('payment', e2, 0.55), e2)).toMatchObject([
      { verdict: 'bad', value: 0.55 },
    ]);
    // Delivered again (a replay, at-least-once): not judged twice.
    expect(
      evaluator.observe([...journey('payment', e2, 0.55), ...touchpoints('payment', e2, GREEN)], e2),
    ).toEqual([]);
  });

  it('needs its touchpoint pipeline', () => {
    const [journeys] = pipelines();
    expect(() => createEvaluator(journeys, rule(), [journeys])).toThrow(
      'pipeline journeys: watermelon rule watermelon reads touchpoints from pipeline touchpoints, which is not loaded',
    );
  });

  it('goes pending, fires after `for` windows and resolves after `resolve.after`, in virtual time', () => {
    const r = rule({ forCount: 3, resolveAfter: 2 });
    const both = pipelines(r);
    const clock = new VirtualTimeScheduler();
    clock.frame = T0;
    const values$ = new Subject<IndicatorValue[]>();
    const transitions: AlertTransition[] = [];
    values$
      .pipe(alertEngine({ pipelines: both, scheduler: clock }))
      .subscribe((batch) => transitions.push(...batch));
    const step = (end: number, completion: number) => {
      clock.maxFrames = end + 40_000;
      clock.flush();
      clock.frame = end + 40_000;
      // As live: the touchpoint pipeline (lateness 10 s) closes the window before the journeys' (30 s).
      values$.next(touchpoints('payment', end, GREEN));
      values$.next(journey('payment', end, completion));
    };
    step(T0, 0.9);
    const completions = [0.55, 0.5, 0.52, 0.53, 0.8, 0.85, 0.88];
    completions.forEach((c, i) => step(E1 + i * MINUTE, c));
    expect(transitions.map((t) => `${t.from}→${t.to}:${t.change}@${(t.at - E1) / MINUTE}`)).toEqual([
      'inactive→pending:pending@0.6666666666666666',
      'pending→firing:firing@2.6666666666666665',
      'firing→resolved:resolved@5.666666666666667',
    ]);
    const fired = transitions[1]!.alert;
    expect(fired).toMatchObject({
      rule: 'watermelon',
      ruleType: 'watermelon',
      severity: 'critical',
      pipeline: 'journeys',
      indicator: 'journey_completion_rate',
      keyId: 'journey=payment',
      group: 'journeys:journey=payment',
      value: 0.52,
      threshold: 0.6,
      labels: {
        journey: 'payment',
        alertname: 'watermelon',
        severity: 'critical',
        pipeline: 'journeys',
        indicator: 'journey_completion_rate',
        window: '15m/1m',
        group: 'journeys:journey=payment',
      },
    });
    expect(fired.annotations.summary).toMatch(
      /^watermelon: journey payment breaches journey_completion_rate 0.52/,
    );
    // The resolved alert keeps the evidence it fired on and shows the value that resolved it.
    expect(transitions[2]!.alert).toMatchObject({ value: 0.85, status: 'resolved' });
    expect(transitions[2]!.alert.annotations.touchpoints).toBe(fired.annotations.touchpoints);
  });
});
