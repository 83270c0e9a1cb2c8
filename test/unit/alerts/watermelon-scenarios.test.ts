/**
 * The shipped journey pipelines and rules over the shipped scenarios: "a journey that goes red while
 * its touchpoints stay green" (scenarios/watermelon-journey.yaml) raises exactly one alert, the
 * watermelon for the payment journey, listing its four touchpoints green; the funnel shows where the
 * customers went. Its healthy twin (watermelon-journey-healthy.yaml) raises nothing at all.
 */
import { describe, expect, it } from 'vitest';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { MINUTE, START, runJourneys, type WatermelonRun } from './watermelon-run.js';

// A low rate (about 1 payment journey a second) and 5-second batches keep a 70-minute run short.
const RUN = { seed: 7, rate: 20, spanMs: 70 * MINUTE, stepMs: 5000 };

function firings(run: WatermelonRun) {
  return run.transitions.filter((t) => t.change === 'firing' && t.from !== 'firing');
}

/** The 15m/1m finals of one funnel indicator for payment, by stage, at one window end. */
function funnelAt(run: WatermelonRun, indicator: string, end: number): Map<string, number> {
  const at = run.values.filter(
    (v: IndicatorValue) =>
      v.pipeline === 'journey-funnels' &&
      v.indicator === indicator &&
      v.window === '15m/1m' &&
      v.windowEnd === end &&
      v.key.journey === 'payment',
  );
  return new Map(at.map((v) => [v.key.stage!, v.value!]));
}

describe('watermelon scenarios', () => {
  it('raise one watermelon alert for the payment journey, naming its green touchpoints', async () => {
    const run = await runJourneys({ ...RUN, scenarioFile: 'scenarios/watermelon-journey.yaml' });
    expect(run.labels).toEqual([
      {
        scenario: 'watermelon-journey',
        kind: 'journey-handoff',
        target: 'payment/view-bill',
        startTs: START + 10 * MINUTE,
        endTs: START + 40 * MINUTE,
      },
    ]);
    const fired = firings(run);
    expect(fired.map((t) => `${t.alert.rule} ${t.alert.keyId}`)).toEqual([
      'watermelon-journey journey=payment',
    ]);
    const [{ alert, at }] = fired as [(typeof fired)[number]];
    // A 15-minute completion needs most of its window lost before it crosses 0.6, then for: 3.
    expect(at).toBeGreaterThan(START + 20 * MINUTE);
    expect(at).toBeLessThan(START + 30 * MINUTE);
    expect(alert).toMatchObject({
      pipeline: 'journey-outcomes',
      ruleType: 'watermelon',
      severity: 'critical',
      indicator: 'journey_completion_rate',
      threshold: 0.6,
      labels: {
        journey: 'payment',
        alertname: 'watermelon-journey',
        group: 'journey-outcomes:journey=payment',
      },
    });
    expect(alert.value!).toBeLessThanOrEqual(0.6);
    expect(alert.annotations.touchpoints_red).toBe('none');
    const summary = alert.annotations.summary!;
    expect(summary).toMatch(
      /^watermelon: journey payment breaches journey_completion_rate 0\.\d+ \(breach 0\.6\) while all 4 touchpoints are inside target — /,
    );
    for (const tp of ['bill-view', 'login', 'payment-gateway', 'receipt']) {
      expect(summary).toMatch(
        new RegExp(
          `${tp}: touchpoint_failure_rate [\\d.]+ \\(breach 0\\.05\\), touchpoint_latency_ms \\d+ \\(breach 2000\\)`,
        ),
      );
    }
    // It resolves once the hand-off works again and the window has forgotten the lost customers.
    const resolved = run.transitions.filter((t) => t.change === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0]!.at).toBeGreaterThan(START + 40 * MINUTE);
    expect(resolved[0]!.at).toBeLessThan(START + 55 * MINUTE);

    // The funnel shows where: view-bill passes nearly everyone, pay sees only six in ten of them.
    const end = START + 35 * MINUTE;
    const reached = funnelAt(run, 'funnel_reached', end);
    const passed = funnelAt(run, 'funnel_passed', end);
    expect(passed.get('view-bill')! / reached.get('view-bill')!).toBeGreaterThan(0.9);
    const conversion = reached.get('pay')! / reached.get('view-bill')!;
    expect(conversion).toBeGreaterThan(0.5);
    expect(conversion).toBeLessThan(0.65);
    expect(reached.get('view-bill')! / reached.get('log-in')!).toBeGreaterThan(0.9);
  }, 60_000);

  it('raise nothing for the healthy twin, though the rule judged every window', async () => {
    const run = await runJourneys({ ...RUN, scenarioFile: 'scenarios/watermelon-journey-healthy.yaml' });
    expect(run.labels.map((l) => l.target)).toEqual(['payment/view-bill']);
    expect(firings(run)).toEqual([]);
    expect(run.transitions.filter((t) => t.alert.rule === 'watermelon-journey')).toEqual([]);
    // Not vacuous: completion was judged (≥ 100 starts) in every window after the warm-up, and dipped.
    const completion = run.values.filter(
      (v) =>
        v.indicator === 'journey_completion_rate' &&
        v.window === '15m/1m' &&
        v.key.journey === 'payment' &&
        v.windowEnd >= START + 16 * MINUTE,
    );
    expect(completion.length).toBeGreaterThan(50);
    expect(completion.every((v) => v.denominator! >= 100)).toBe(true);
    expect(Math.min(...completion.map((v) => v.value!))).toBeGreaterThan(0.75);
    expect(Math.min(...completion.map((v) => v.value!))).toBeLessThan(0.86);
  }, 60_000);
});
