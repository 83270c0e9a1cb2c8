import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { isNotifiable, type AlertTransition } from '../../../src/alerts/alert.js';
import { alertEngine, type AlertEngineOptions } from '../../../src/alerts/alert-engine.js';
import { MemoryAlertStore } from '../../../src/alerts/alert-store.js';
import { agentsNeeded, serviceLevel } from '../../../src/alerts/erlang-c.js';
import type { PipelineDefinition } from '../../../src/config/pipeline-definition.js';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { series } from '../../support/synthetic-series.js';

const T0 = Date.UTC(2024, 0, 1);

function pipeline(alerts: string, extra = ''): PipelineDefinition {
  return parsePipelineYaml(
    `name: cc
keyBy: [queue, channel]
windows: [{ size: 1m }, { size: 15m, hop: 1m }]
indicators:
  - id: contacts_offered
  - id: aht_seconds
  - id: agents_available
  - id: asa_seconds
  - id: service_level
    params: { serviceLevelThresholdMs: 20000 }
    target: { direction: higher-is-better, warn: 0.8, breach: 0.7 }
    targetsByKey:
      queue=vip/voice: { direction: higher-is-better, warn: 0.9, breach: 0.85 }
${extra}alerts:
${alerts}`,
    'test.yaml',
  );
}

function value(
  indicator: string,
  v: number | null,
  windowEnd: number,
  options: { queue?: string; window?: string; kind?: IndicatorValue['kind']; pipeline?: string } = {},
): IndicatorValue {
  const queue = options.queue ?? 'billing/voice';
  const window = options.window ?? '1m';
  const size = window === '15m/1m' ? 900_000 : 60_000;
  return {
    pipeline: options.pipeline ?? 'cc',
    indicator,
    window,
    key: { queue, channel: 'voice' },
    keyId: `channel=voice,queue=${queue}`,
    windowStart: windowEnd - size,
    windowEnd,
    kind: options.kind ?? 'final',
    version: options.kind === 'early' ? 0 : 1,
    value: v,
  };
}

/**
 * Runs the engine in virtual time over `batches`, one every `everyMs` from t = everyMs, and
 * returns every transition with its virtual time.
 */
function runEngine(
  batches: IndicatorValue[][],
  options: Omit<AlertEngineOptions, 'scheduler'> & { everyMs?: number; endAt?: number },
  during?: (at: number, store: MemoryAlertStore | undefined) => void,
): AlertTransition[] {
  const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
  const out: AlertTransition[] = [];
  scheduler.run(({ cold }) => {
    const every = options.everyMs ?? 60_000;
    // A marble frame takes 1 ms itself: the first batch at `every`, the next ones `every` apart.
    const marbles = batches.map(
      (_, i) => `${i === 0 ? every : every - 1}ms ${String.fromCharCode(0x100 + i)}`,
    );
    const values: Record<string, IndicatorValue[]> = {};
    batches.forEach((b, i) => (values[String.fromCharCode(0x100 + i)] = b));
    const tail =
      options.endAt !== undefined ? ` ${Math.max(0, options.endAt - batches.length * every - 1)}ms |` : ' |';
    const source = cold(`${marbles.join(' ')}${tail}`, values);
    source.pipe(alertEngine({ ...options, scheduler })).subscribe((ts) => out.push(...ts));
    if (during) {
      for (let at = every; at <= (options.endAt ?? batches.length * every); at += every) {
        scheduler.schedule(() => during(at, options.store), at - 0.5);
      }
    }
  });
  return out;
}

const changes = (ts: AlertTransition[]) => ts.map((t) => `${t.at / 60_000}m:${t.change}`);

describe('alertEngine: threshold rules', () => {
  const rules = `  - name: sl-breach
    type: threshold
    indicator: service_level
    window: 1m
    breach: target
    for: 3
    resolve: { at: warn, after: 2 }
    severity: critical
`;

  it('gives no verdict on a window resting on fewer observations than minSamples', () => {
    const p = pipeline(`  - name: sl-breach
    type: threshold
    indicator: service_level
    window: 1m
    breach: target
    minSamples: 20
`);
    const at = (i: number, denominator: number) => ({
      ...value('service_level', 0.1, T0 + i * 60_000),
      numerator: Math.round(denominator * 0.1),
      denominator,
    });
    // Three awful windows, each from 5 answers: no evidence, no alert.
    expect(runEngine([[at(1, 5)], [at(2, 5)], [at(3, 5)]], { pipelines: [p] })).toEqual([]);
    // The same level from 50 answers is.
    expect(runEngine([[at(4, 50)]], { pipelines: [p] }).map((t) => t.change)).toEqual(['firing']);
  });

  it('goes pending at the first bad final window and fires at the third, not before', () => {
    const p = pipeline(rules);
    const sl = [0.9, 0.6, 0.65, 0.5, 0.5];
    const out = runEngine(
      sl.map((v, i) => [value('service_level', v, T0 + (i + 1) * 60_000)]),
      { pipelines: [p] },
    );
    expect(changes(out)).toEqual(['2m:pending', '4m:firing']);
    const firing = out[1]!.alert;
    expect(firing).toMatchObject({
      rule: 'sl-breach',
      severity: 'critical',
      status: 'firing',
      dedupKey: 'cc/sl-breach|channel=voice,queue=billing/voice',
      value: 0.5,
      threshold: 0.7,
      activeAt: 2 * 60_000,
      startsAt: 4 * 60_000,
    });
    expect(firing.labels).toMatchObject({
      alertname: 'sl-breach',
      queue: 'billing/voice',
      channel: 'voice',
      pipeline: 'cc',
      indicator: 'service_level',
      window: '1m',
      severity: 'critical',
    });
    expect(firing.annotations.summary).toMatch(
      /service_level 0\.5 on queue=billing\/voice.*target breach 0\.7/,
    );
  });

  it('resolves only after two windows past the warn level: values between breach and warn hold it (hysteresis)', () => {
    const p = pipeline(rules);
    const sl = [0.6, 0.6, 0.6, 0.75, 0.78, 0.85, 0.75, 0.85, 0.86];
    const out = runEngine(
      sl.map((v, i) => [value('service_level', v, T0 + (i + 1) * 60_000)]),
      { pipelines: [p] },
    );
    // 0.75 and 0.78 are above breach (0.7) but below warn (0.8): still firing; 0.85 then 0.75 resets the count.
    expect(changes(out)).toEqual(['1m:pending', '3m:firing', '9m:resolved']);
    expect(out[2]!.alert).toMatchObject({ status: 'resolved', endsAt: 9 * 60_000, value: 0.86 });
    expect(out[2]!.alert.id).toBe(out[1]!.alert.id);
  });

  it('cancels a pending alert whose condition clears before `for` is reached, without notifying', () => {
    const p = pipeline(rules);
    const out = runEngine(
      [0.6, 0.6, 0.9].map((v, i) => [value('service_level', v, T0 + (i + 1) * 60_000)]),
      { pipelines: [p] },
    );
    expect(changes(out)).toEqual(['1m:pending', '3m:cancelled']);
    expect(out.some(isNotifiable)).toBe(false);
  });

  it('uses the per-key target and ignores early firings, other windows and values delivered twice (dedup)', () => {
    const p = pipeline(rules);
    const end = (i: number) => T0 + i * 60_000;
    const batch = (i: number): IndicatorValue[] => [
      // vip/voice breaches at 0.85, billing only at 0.7: 0.8 is bad for vip only.
      value('service_level', 0.8, end(i), { queue: 'vip/voice' }),
      value('service_level', 0.8, end(i)),
      value('service_level', 0.1, end(i), { kind: 'early' }),
      value('service_level', 0.1, end(i), { window: '15m/1m' }),
    ];
    // The same window twice (a replay) must not count as two of the three.
    const out = runEngine([batch(1), batch(1), batch(2), batch(3)], { pipelines: [p] });
    expect(changes(out)).toEqual(['1m:pending', '4m:firing']);
    expect(out.every((t) => t.alert.key.queue === 'vip/voice')).toBe(true);
  });

  it('fires above a fixed value with a separate resolve threshold, one alert per key', () => {
    const p = pipeline(`  - name: slow-answer
    type: threshold
    indicator: asa_seconds
    window: 1m
    above: 60
    resolve: { at: 40 }
`);
    const end = (i: number) => T0 + i * 60_000;
    const out = runEngine(
      [
        [value('asa_seconds', 70, end(1)), value('asa_seconds', 90, end(1), { queue: 'sales/voice' })],
        [value('asa_seconds', 50, end(2)), value('asa_seconds', 30, end(2), { queue: 'sales/voice' })],
        [value('asa_seconds', 39, end(3))],
      ],
      { pipelines: [p] },
    );
    expect(out.map((t) => `${t.at / 60_000}m:${t.change}:${t.alert.key.queue}`)).toEqual([
      '1m:firing:billing/voice',
      '1m:firing:sales/voice',
      '2m:resolved:sales/voice',
      '3m:resolved:billing/voice',
    ]);
    expect(new Set(out.map((t) => t.alert.id)).size).toBe(2);
  });
});

describe('alertEngine: lifecycle details', () => {
  const rules = `  - name: slow-answer
    type: threshold
    indicator: asa_seconds
    window: 1m
    above: 60
`;

  it('emits nothing for no values, and completes and errors with its source', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const engine = alertEngine({ pipelines: [pipeline(rules)], scheduler });
      expectObservable(cold<IndicatorValue[]>('|').pipe(engine)).toBe('|');
      expectObservable(cold<IndicatorValue[]>('5ms #', {}, new Error('boom')).pipe(engine)).toBe(
        '5ms #',
        {},
        new Error('boom'),
      );
      // Never-ending, unsubscribed early: the silence check timer stops with it.
      expectObservable(cold<IndicatorValue[]>('-').pipe(engine), '^ 100s !').toBe('-');
    });
  });

  it('emits one batch per input batch, at the time of the input', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    scheduler.run(({ cold, expectObservable }) => {
      const engine = alertEngine({ pipelines: [pipeline(rules)], scheduler });
      const source = cold('a 9ms b 9ms c|', {
        a: [value('asa_seconds', 10, T0 + 60_000)],
        b: [value('asa_seconds', 80, T0 + 120_000)],
        c: [value('asa_seconds', 20, T0 + 180_000)],
      });
      expectObservable(source.pipe(engine)).toBe('10ms x 9ms y|', {
        x: [expect.objectContaining({ change: 'firing', at: 10 })],
        y: [expect.objectContaining({ change: 'resolved', at: 20 })],
      });
    });
  });

  it('marks a key that flips too often as flapping and keeps it firing until the flips age out', () => {
    const p = pipeline(rules);
    const asa = [80, 20, 80, 20, 80, 20, 20, 20, 20, 20];
    const out = runEngine(
      asa.map((v, i) => [value('asa_seconds', v, T0 + (i + 1) * 60_000)]),
      { pipelines: [p], flapping: { maxFlips: 4, windowMs: 5 * 60_000 } },
    );
    // Flips at 1 (fire), 2 (resolve), 3 (fire), 4 (resolve), 5 (fire): a resolve at 6 m would be the
    // 5th flip within 5 minutes (2..6), more than 4, so it is held; at 7 m the window holds 3..5 only.
    expect(changes(out)).toEqual([
      '1m:firing',
      '2m:resolved',
      '3m:firing',
      '4m:resolved',
      '5m:firing',
      '6m:flapping',
      '7m:resolved',
    ]);
    expect(out[5]!.alert).toMatchObject({ status: 'firing', flapping: true });
    expect(out[6]!.alert).toMatchObject({ status: 'resolved', flapping: false });
  });

  it('groups alerts that share a cause: every rule on one queue gets the same group', () => {
    const p = pipeline(`${rules}  - name: sl-low
    type: threshold
    indicator: service_level
    window: 1m
    below: 0.5
`);
    const end = T0 + 60_000;
    const out = runEngine(
      [
        [
          value('asa_seconds', 80, end),
          value('service_level', 0.2, end),
          value('service_level', 0.2, end, { queue: 'sales/voice' }),
        ],
      ],
      { pipelines: [p] },
    );
    expect(out.map((t) => `${t.alert.rule}:${t.alert.group}`)).toEqual([
      'slow-answer:cc:queue=billing/voice',
      'sl-low:cc:queue=billing/voice',
      'sl-low:cc:queue=sales/voice',
    ]);
    expect(out[0]!.alert.labels.group).toBe('cc:queue=billing/voice');
  });
});

describe('alertEngine with the store: acknowledge and silences', () => {
  const rules = `  - name: slow-answer
    type: threshold
    indicator: asa_seconds
    window: 1m
    above: 60
    severity: critical
`;

  it('keeps an acknowledgement on the alert through its resolution', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const store = new MemoryAlertStore({ now: () => scheduler.now() });
    const out: AlertTransition[] = [];
    scheduler.run(({ cold }) => {
      cold('1m a 1m b|', {
        a: [value('asa_seconds', 80, T0 + 60_000)],
        b: [value('asa_seconds', 10, T0 + 120_000)],
      })
        .pipe(alertEngine({ pipelines: [pipeline(rules)], scheduler, store }))
        .subscribe((ts) => out.push(...ts));
      scheduler.schedule(() => {
        const [active] = store.active();
        expect(store.ack(active!.id, 'dana')).toMatchObject({
          acknowledgedBy: 'dana',
          acknowledgedAt: 90_000,
        });
        // Idempotent: the first acknowledgement is kept.
        expect(store.ack(active!.id, 'sam')?.acknowledgedBy).toBe('dana');
      }, 90_000);
    });
    expect(store.active()).toEqual([]);
    expect(store.recent()).toHaveLength(1);
    expect(store.recent()[0]).toMatchObject({
      status: 'resolved',
      acknowledgedBy: 'dana',
      acknowledgedAt: 90_000,
    });
    // The server's port shows it too.
    expect(store.list()[0]).toMatchObject({ state: 'resolved', acknowledgedBy: 'dana', rule: 'slow-answer' });
    expect(store.acknowledge('nope', 'x')).toBeUndefined();
  });

  it('does not notify a silenced alert, and notifies it once the silence expires while it still fires', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const store = new MemoryAlertStore({ now: () => scheduler.now() });
    store.silence([{ name: 'queue', value: 'billing/.*', isRegex: true }], 5 * 60_000, 'dana', 'maintenance');
    const out: AlertTransition[] = [];
    scheduler.run(({ cold }) => {
      const source = cold('1m a 1m b 1m c 10m |', {
        a: [
          value('asa_seconds', 80, T0 + 60_000),
          value('asa_seconds', 80, T0 + 60_000, { queue: 'sales/voice' }),
        ],
        b: [value('asa_seconds', 90, T0 + 120_000)],
        c: [value('asa_seconds', 95, T0 + 180_000)],
      });
      const engine = alertEngine({ pipelines: [pipeline(rules)], scheduler, store, checkEveryMs: 30_000 });
      source.pipe(engine).subscribe((ts) => out.push(...ts));
    });
    const billing = out.filter((t) => t.alert.key.queue === 'billing/voice');
    expect(billing.map((t) => `${t.at / 1000}s:${t.change}:${t.alert.silenced}`)).toEqual([
      '60s:firing:true',
      // The silence ended at 300 s; the next check (every 30 s) notices and re-announces the alert.
      '300s:unsilenced:false',
    ]);
    expect(billing.map(isNotifiable)).toEqual([false, true]);
    expect(out.find((t) => t.alert.key.queue === 'sales/voice')).toMatchObject({
      change: 'firing',
      alert: { silenced: false },
    });
    expect(store.silences()).toEqual([]);
  });

  it('lists only firing and resolved alerts on the server port, newest first', () => {
    const store = new MemoryAlertStore({ now: () => 0 });
    const p = pipeline(`  - name: slow-answer
    type: threshold
    indicator: asa_seconds
    window: 1m
    above: 60
    for: 2
`);
    const seen: string[] = [];
    store.onChange((a) => seen.push(`${a.state}:${a.key.queue}`));
    runEngine(
      [
        [
          value('asa_seconds', 80, T0 + 60_000),
          value('asa_seconds', 80, T0 + 60_000, { queue: 'sales/voice' }),
        ],
        [value('asa_seconds', 80, T0 + 120_000)],
      ],
      { pipelines: [p], store },
    );
    expect(
      store
        .active()
        .map((a) => `${a.status}:${a.key.queue}`)
        .sort(),
    ).toEqual(['firing:billing/voice', 'pending:sales/voice']);
    expect(store.list().map((a) => `${a.state}:${a.key.queue}`)).toEqual(['firing:billing/voice']);
    expect(seen).toEqual(['firing:billing/voice']);
    expect([...store.groups().keys()].sort()).toEqual(['cc:queue=billing/voice', 'cc:queue=sales/voice']);
  });
});

describe('alertEngine: anomaly rules', () => {
  it('fires on a spike found by the ensemble, saying what it expected, the band and which detector fired', () => {
    const p = pipeline(`  - name: asa-anomaly
    type: anomaly
    indicator: asa_seconds
    window: 1m
    resolve: { after: 2 }
`);
    const points = series(800, (i) => (i === 700 ? 130 : 100));
    const batches: IndicatorValue[][] = [];
    for (let i = 0; i < points.length; i += 100) {
      batches.push(points.slice(i, i + 100).map((pt) => value('asa_seconds', pt.value, pt.ts)));
    }
    const out = runEngine(batches, { pipelines: [p] });
    expect(out.map((t) => t.change)).toEqual(['firing', 'resolved']);
    const alert = out[0]!.alert;
    expect(Math.abs(alert.value! - 130)).toBeLessThan(4);
    expect(['seasonal', 'ewma']).toContain(alert.annotations.detector);
    expect(Number(alert.annotations.expected)).toBeCloseTo(100, -1);
    const [lo, hi] = alert.annotations.band!.split('..').map(Number);
    expect(lo).toBeLessThan(100);
    expect(hi).toBeGreaterThan(100);
    expect(alert.annotations.summary).toMatch(/asa_seconds 13\d on .* is unusual: expected/);
    expect(alert.annotations.description).toMatch(/ensemble detector: score .* decided by (seasonal|ewma)/);
  });

  it('still fires on an incident after an alarm that minDeviation turned down (bug: the ensemble suppressed the key for 576 windows)', () => {
    const p = pipeline(`  - name: asa-anomaly
    type: anomaly
    indicator: asa_seconds
    window: 1m
    minDeviation: 20
    resolve: { after: 2 }
`);
    // A small excursion at 600 (the detector alarms, the floor says no), the real incident at 700.
    const points = series(800, (i) => (i >= 600 && i < 603 ? 112 : i >= 700 && i < 705 ? 160 : 100));
    const batches: IndicatorValue[][] = [];
    for (let i = 0; i < points.length; i += 100) {
      batches.push(points.slice(i, i + 100).map((pt) => value('asa_seconds', pt.value, pt.ts)));
    }
    const out = runEngine(batches, { pipelines: [p] });
    expect(out.filter((t) => t.change === 'firing').map((t) => Math.round(t.alert.value!))).toEqual([
      expect.any(Number),
    ]);
    expect(out.find((t) => t.change === 'firing')!.alert.value).toBeGreaterThan(150);
  });

  it('turns down a deviation below minRelativeDeviation × expected', () => {
    const rule = (extra: string) =>
      pipeline(`  - name: asa-anomaly
    type: anomaly
    indicator: asa_seconds
    window: 1m
${extra}`);
    // +30 % on a steady 100: unusual to the detector, not a doubling.
    const points = series(800, (i) => (i >= 700 && i < 705 ? 130 : 100));
    const batch = [points.map((pt) => value('asa_seconds', pt.value, pt.ts))];
    expect(runEngine(batch, { pipelines: [rule('')] }).map((t) => t.change)).toContain('firing');
    expect(runEngine(batch, { pipelines: [rule('    minRelativeDeviation: 1\n')] })).toEqual([]);
  });

  it('with minZ, turns down a rate jump that is noise on its count and fires on the same jump over more attempts', () => {
    const rule = (extra: string) =>
      pipeline(`  - name: sl-anomaly
    type: anomaly
    indicator: service_level
    window: 1m
    minDeviation: 0.03
${extra}`);
    // About 97 % (±0.4 points), then 92 % for five windows: 5 points, past the fixed floor.
    const rates = (attempts: number) => {
      const points = series(800, (i) => (i >= 700 && i < 705 ? 0.92 : 0.97), 0.004);
      return [
        points.map((pt) => ({
          ...value('service_level', pt.value, pt.ts),
          numerator: Math.round(pt.value * attempts),
          denominator: attempts,
        })),
      ];
    };
    const fired = (batches: IndicatorValue[][], extra: string) =>
      runEngine(batches, { pipelines: [rule(extra)] }).filter((t) => t.change === 'firing').length;
    // Over 100 attempts 5 points is 2.9 standard errors of 3 %; over 2 000 it is 13.
    expect(fired(rates(100), '')).toBe(1);
    expect(fired(rates(100), '    minZ: 4\n')).toBe(0);
    expect(fired(rates(2000), '    minZ: 4\n')).toBe(1);
    // A value without a denominator is judged by the other floors only.
    const noCount = [
      series(800, (i) => (i >= 700 && i < 705 ? 0.92 : 0.97), 0.004).map((pt) =>
        value('service_level', pt.value, pt.ts),
      ),
    ];
    expect(fired(noCount, '    minZ: 4\n')).toBe(1);
  });

  it('stays quiet on the same series without the spike', () => {
    const p = pipeline(`  - name: asa-anomaly
    type: anomaly
    indicator: asa_seconds
    window: 1m
`);
    const points = series(800, () => 100);
    const out = runEngine([points.map((pt) => value('asa_seconds', pt.value, pt.ts))], { pipelines: [p] });
    expect(out).toEqual([]);
  });
  it('does not alert on a blip smaller than minDeviation against a zero-width band', () => {
    const rule = (extra: string) =>
      pipeline(`  - name: asa-anomaly
    type: anomaly
    indicator: asa_seconds
    window: 1m
${extra}`);
    // A series that is 0 almost always: its robust band is 0–0, so 3 s looks infinitely unusual.
    const points = series(800, (i) => (i === 700 ? 3 : 0), 0);
    const batch = () => points.map((pt) => value('asa_seconds', pt.value, pt.ts));
    expect(runEngine([batch()], { pipelines: [rule('')] }).map((t) => t.change)).toContain('firing');
    expect(runEngine([batch()], { pipelines: [rule('    minDeviation: 15\n')] })).toEqual([]);
  });
});

describe('alertEngine: silence rules', () => {
  it('fires when a key stops producing values for longer than its usual interval × factor, and resolves when it is back', () => {
    const p = pipeline(`  - name: queue-silent
    type: silence
    scope: key
    factor: 3
    minSilence: 1m
    checkEvery: 10s
`);
    // Values every 30 s processing time for billing; sales keeps going throughout.
    const batches: IndicatorValue[][] = [];
    for (let i = 1; i <= 20; i++) {
      const end = T0 + i * 30_000;
      const b = [value('contacts_offered', 1, end, { queue: 'sales/voice' })];
      if (i <= 6 || i >= 16) b.push(value('contacts_offered', 1, end));
      // Gauges tick whatever happens; they must not count as values.
      b.push(value('agents_available', 3, end, { window: 'live', kind: 'early' }));
      batches.push(b);
    }
    const out = runEngine(batches, { pipelines: [p], everyMs: 30_000 });
    // Last billing value at 180 s; usual gap 30 s × 3 = 90 s, floor 60 s: silent once past 270 s,
    // seen at the first check after it (280 s). Back at 480 s.
    expect(out.map((t) => `${t.at / 1000}s:${t.change}:${t.alert.key.queue}`)).toEqual([
      '280s:firing:billing/voice',
      '480s:resolved:billing/voice',
    ]);
    expect(out[0]!.alert.annotations.summary).toMatch(
      /no values from queue=billing\/voice,channel=voice in cc for 100 s/,
    );
    expect(out[0]!.alert.annotations.usual_interval_seconds).toBe('30');
  });

  it('fires for the whole pipeline when nothing arrives at all', () => {
    const p = pipeline(`  - name: pipeline-silent
    type: silence
    minSilence: 2m
    checkEvery: 1m
`);
    const batches = [1, 2, 3, 4].map((i) => [value('contacts_offered', 1, T0 + i * 60_000)]);
    const out = runEngine(batches, { pipelines: [p], endAt: 10 * 60_000, checkEveryMs: 60_000 });
    // Usual gap 60 s × 3 = 180 s after the last value at 4 m: at the 7 m check it is exactly 180 s,
    // not more; at 8 m it is 240 s.
    expect(changes(out)).toEqual(['8m:firing']);
    expect(out[0]!.alert).toMatchObject({ ruleType: 'silence', keyId: '', group: 'cc', indicator: '*' });
  });
});

describe('alertEngine: Erlang C prediction rules', () => {
  /** A final 16 minutes before the first one below, without agents (and not one window size before it, which would make a trend): marks where the data began. */
  const warmUp = (): IndicatorValue[] => [
    value('contacts_offered', 0, T0 - 15 * 60_000, { window: '15m/1m' }),
    value('aht_seconds', 240, T0 - 15 * 60_000, { window: '15m/1m' }),
  ];
  it('alerts before the breach when the arrival rate climbs, with the number of extra agents needed', () => {
    const p = pipeline(`  - name: staffing-forecast
    type: erlang-c
    model: erlang-c
    window: 15m/1m
    horizon: 15m
    answerWithin: 200ms
`);
    // Time scaled down 100× (AHT 2.4 s, answered within 0.2 s) so that the counts are 100× those of a
    // real queue with the same load: the rise stands far above Poisson noise (EVIDENCE_SD).
    const AHT = 2.4;
    const AGENTS = 20;
    const STEP = 100;
    // Arrivals per 15 min window climb by 10 each minute (offered load 10.9 → 13.9 erlangs over 12
    // minutes; a rise of 150 on ~500 is well beyond Poisson noise); busy agents follow λ·AHT, the
    // rest of the 20 are idle.
    // A first window without agents: the rule has seen data since 15 minutes before T0, so the
    // windows below are full ones (no cold-start scaling of the rate).
    const batches: IndicatorValue[][] = [warmUp()];
    const offeredAt = (i: number) => 4000 + STEP * i;
    // The trend compares windows one size (15 min) apart: no projection before the 16th.
    for (let i = 1; i <= 30; i++) {
      const end = T0 + i * 60_000;
      const rate = offeredAt(i) / 900;
      const idle = Math.max(0, Math.round(AGENTS - rate * AHT));
      batches.push([
        value('agents_available', idle, end, { window: 'live', kind: 'early' }),
        value('contacts_offered', offeredAt(i), end, { window: '15m/1m' }),
        value('aht_seconds', AHT, end, { window: '15m/1m' }),
      ]);
    }
    const out = runEngine(batches, { pipelines: [p] });
    expect(out[0]!.change).toBe('firing');
    const alert = out[0]!.alert;
    const i = alert.startsAt / 60_000;
    const rate = offeredAt(i) / 900;
    const predicted = rate + (STEP / 900 / 60_000) * 900_000;
    // Idle agents averaged over the last minute before the window's end: the sample taken at the
    // previous window's end.
    const idleAt = (j: number) => Math.max(0, Math.round(AGENTS - (offeredAt(j) / 900) * AHT));
    const meanIdle = idleAt(i - 1);
    const agents = Math.round(meanIdle + rate * AHT);
    // Before the breach: at the current rate the staffing still meets the 70 % target...
    expect(serviceLevel({ arrivalRatePerSecond: rate, ahtSeconds: AHT, agents }, 0.2)).toBeGreaterThanOrEqual(
      0.7,
    );
    // ...the predicted rate 15 minutes on does not.
    expect(serviceLevel({ arrivalRatePerSecond: predicted, ahtSeconds: AHT, agents }, 0.2)).toBeLessThan(0.7);
    const extra = agentsNeeded(predicted, AHT, 0.2, 0.7) - agents;
    expect(extra).toBeGreaterThan(0);
    expect(alert.annotations.extra_agents).toBe(String(extra));
    expect(alert.annotations.model).toBe('erlang-c');
    expect(alert.annotations.agents).toBe(String(agents));
    expect(alert.annotations.model).toBe('erlang-c');
    expect(alert.annotations.summary).toMatch(
      new RegExp(
        `service level on queue=billing/voice,channel=voice predicted .* within 15 min \\(target 70 %\\): ${extra} more agent`,
      ),
    );
    expect(Number(alert.annotations.predicted_asa_seconds)).toBeGreaterThan(0);
    expect(alert.labels.indicator).toBe('service_level');
  });

  it('averages idle agents over the window (bug: one busy instant with nobody idle predicted a breach)', () => {
    const p = pipeline(`  - name: staffing-forecast
    type: erlang-c
    model: erlang-c
    window: 15m/1m
`);
    // 0.05/s × 200 s = 10 erlangs busy; 8 agents idle on most samples, none on the last one.
    const batches: IndicatorValue[][] = [warmUp()];
    for (let i = 1; i <= 3; i++) {
      const end = T0 + i * 60_000;
      const gauge: IndicatorValue[] = [];
      for (let s = 50; s >= 0; s -= 10) {
        gauge.push(
          value('agents_available', s === 0 ? 0 : 8, end - s * 1000, { window: 'live', kind: 'early' }),
        );
      }
      batches.push(gauge, [
        value('contacts_offered', 45, end, { window: '15m/1m' }),
        value('aht_seconds', 200, end, { window: '15m/1m' }),
      ]);
    }
    expect(runEngine(batches, { pipelines: [p] })).toEqual([]);
    // The window's mean (8 idle on 15 of 18 samples) plus the 10 busy: still comfortably staffed.
    expect(serviceLevel({ arrivalRatePerSecond: 0.05, ahtSeconds: 200, agents: 17 }, 20)).toBeGreaterThan(
      0.7,
    );
    // What the instant said: 10 agents for 10 erlangs, no service at all.
    expect(serviceLevel({ arrivalRatePerSecond: 0.05, ahtSeconds: 200, agents: 10 }, 20)).toBe(0);
  });

  it('stays quiet at a steady rate the staff can handle, and waits for agents before judging', () => {
    const p = pipeline(`  - name: staffing-forecast
    type: erlang-c
    model: erlang-c
    window: 15m/1m
`);
    const steady = (i: number, withAgents: boolean): IndicatorValue[] => [
      ...(withAgents
        ? [value('agents_available', 8, T0 + i * 60_000, { window: 'live', kind: 'early' })]
        : []),
      value('contacts_offered', 450, T0 + i * 60_000, { window: '15m/1m' }),
      value('aht_seconds', 240, T0 + i * 60_000, { window: '15m/1m' }),
    ];
    // 0.5/s × 240 s = 120 erlangs busy + 8 idle = 128 agents: SL ≫ 70 %.
    const quiet = runEngine([warmUp(), steady(1, true), steady(2, true), steady(3, true)], {
      pipelines: [p],
    });
    expect(quiet).toEqual([]);
    // With no agents value the rule cannot judge, and does not guess.
    expect(runEngine([steady(1, false), steady(2, false)], { pipelines: [p] })).toEqual([]);
  });
  it('counts busy agents on a cold start (bug: AHT from the contacts that ended first saw half the load)', () => {
    const p = pipeline(
      `  - name: staffing-forecast
    type: erlang-c
    model: erlang-c
    window: 15m/1m
    trend: false
`,
      `  - id: contacts_answered
  - id: occupancy
`,
    );
    // Three minutes into the data: 1.2 calls/s offered, 1/s answered, and the few contacts that
    // ended were the short ones (60 s). The gauges say 10 agents idle, 170 busy: each busy agent
    // holds a contact that has lasted about as long as the data, so AHT is at least 170 s.
    const batches = [1, 2, 3].map((i) => {
      const end = T0 + i * 60_000;
      return [
        value('agents_available', 10, end - 30_000, { window: 'live', kind: 'early' }),
        value('occupancy', 170 / 180, end - 30_000, { window: 'live', kind: 'early' }),
        value('contacts_offered', 72 * i, end, { window: '15m/1m' }),
        value('contacts_answered', 60 * i, end, { window: '15m/1m' }),
        value('aht_seconds', 60, end, { window: '15m/1m' }),
      ];
    });
    const out = runEngine(batches, { pipelines: [p] });
    expect(changes(out)).toEqual(['3m:firing']);
    expect(out[0]!.alert.annotations.agents).toBe('180');
    expect(Number(out[0]!.alert.annotations.aht_seconds)).toBeGreaterThanOrEqual(170);
    // What the ended contacts alone said: 60 s × 1 answered/s + 10 idle = 70 agents for 72 erlangs,
    // but at the favourable end of the noise (62 erlangs, 75 agents) comfortably staffed.
    expect(serviceLevel({ arrivalRatePerSecond: 62 / 60, ahtSeconds: 60, agents: 75 }, 20)).toBeGreaterThan(
      0.7,
    );
  });
  it('takes the planned AHT alone on a cold start and blended with the ended contacts after it', () => {
    const rule = (planned: string) => `  - name: staffing-forecast
    type: erlang-c
    model: erlang-c
    window: 15m/1m
    trend: false
${planned}`;
    const extra = `  - id: contacts_answered
`;
    const aht = (v: number, end: number, samples: number): IndicatorValue => ({
      ...value('aht_seconds', v, end, { window: '15m/1m' }),
      samples,
    });
    // A minute into the data: 2 calls/s offered, 1/s answered, 10 idle, and the 36 contacts that
    // ended lasted 60 s on average (the short ones: none could have lasted longer than the data).
    const coldStart = [
      [
        value('agents_available', 10, T0 + 30_000, { window: 'live', kind: 'early' }),
        value('contacts_offered', 120, T0 + 60_000, { window: '15m/1m' }),
        value('contacts_answered', 60, T0 + 60_000, { window: '15m/1m' }),
        aht(60, T0 + 60_000, 36),
      ],
    ];
    const planned = runEngine(coldStart, { pipelines: [pipeline(rule('    plannedAht: 170s\n'), extra)] });
    expect(planned[0]!.alert.annotations.aht_seconds).toBe('170');
    const measured = runEngine(coldStart, { pipelines: [pipeline(rule(''), extra)] });
    expect(measured[0]!.alert.annotations.aht_seconds).toBe('60');

    // A window of data later, the same 36 ended contacts weigh as much as the plan (36 contacts).
    const warm = [
      [
        value('contacts_offered', 0, T0 - 15 * 60_000, { window: '15m/1m' }),
        value('contacts_answered', 0, T0 - 15 * 60_000, { window: '15m/1m' }),
        aht(240, T0 - 15 * 60_000, 1),
      ],
      [
        value('agents_available', 10, T0 + 30_000, { window: 'live', kind: 'early' }),
        value('contacts_offered', 1800, T0 + 60_000, { window: '15m/1m' }),
        value('contacts_answered', 900, T0 + 60_000, { window: '15m/1m' }),
        aht(60, T0 + 60_000, 36),
      ],
    ];
    const blended = runEngine(warm, { pipelines: [pipeline(rule('    plannedAht: 170s\n'), extra)] });
    expect(blended[0]!.alert.annotations.aht_seconds).toBe('115');
  });

  it('counts the agents on the gauges on a cold start with a plan (bug: answered × planned AHT counted the first burst of answers)', () => {
    const p = pipeline(
      `  - name: staffing-forecast
    type: erlang-c
    model: erlang-c
    window: 15m/1m
    trend: false
    plannedAht: 300s
`,
      `  - id: contacts_answered
  - id: occupancy
`,
    );
    // 10 idle and 170 busy on the gauges; 1 answered/s × 300 s would have made 310 agents of them.
    const batches = [1, 2, 3].map((i) => {
      const end = T0 + i * 60_000;
      return [
        value('agents_available', 10, end - 30_000, { window: 'live', kind: 'early' }),
        value('occupancy', 170 / 180, end - 30_000, { window: 'live', kind: 'early' }),
        value('contacts_offered', 72 * i, end, { window: '15m/1m' }),
        value('contacts_answered', 60 * i, end, { window: '15m/1m' }),
        value('aht_seconds', 60, end, { window: '15m/1m' }),
      ];
    });
    const out = runEngine(batches, { pipelines: [p] });
    expect(out[0]!.alert.annotations.agents).toBe('180');
    expect(out[0]!.alert.annotations.aht_seconds).toBe('300');
  });
});

describe('alertEngine: Erlang A prediction rules', () => {
  const withAbandons = `  - id: contacts_answered
  - id: contacts_abandoned
  - id: contacts_in_queue
`;
  // 1 call/s, AHT 180 s, 176 agents for 180 erlangs, callers' mean patience 150 s, answered within
  // 20 s: Erlang A says 87.6 % and 4.35 % hang up (mean wait 6.52 s); Erlang C has no steady state.
  // Here with time scaled down 10× (10 calls/s, AHT 18 s, patience 15 s, within 2 s: the same
  // queue), so that a 15-minute window holds counts whose Poisson noise (EVIDENCE_SD) is small
  // beside the difference between the models.
  const steady = (i: number, agentsGone = 0): IndicatorValue[] => {
    const end = T0 + i * 60_000;
    const answered = 8608 - agentsGone * 50;
    return [
      value('agents_available', agentsGone === 0 ? 3.84 : 0, end - 30_000, {
        window: 'live',
        kind: 'early',
      }),
      value('contacts_in_queue', agentsGone === 0 ? 6.52 : 40, end - 30_000, {
        window: 'live',
        kind: 'early',
      }),
      value('contacts_offered', 9000, end, { window: '15m/1m' }),
      value('contacts_answered', answered, end, { window: '15m/1m' }),
      value('contacts_abandoned', 392, end, { window: '15m/1m' }),
      value('aht_seconds', 18, end, { window: '15m/1m' }),
    ];
  };
  const rule = (model: string) =>
    pipeline(
      `  - name: staffing-forecast
    type: erlang-c
    model: ${model}
    window: 15m/1m
    trend: false
    answerWithin: 2s
`,
      withAbandons,
    );

  it('stays quiet where Erlang C predicts a breach, because callers who hang up relieve the queue', () => {
    const batches = Array.from({ length: 30 }, (_, i) => steady(i + 1));
    expect(runEngine(batches, { pipelines: [rule('erlang-a')] })).toEqual([]);
    const erlangC = runEngine(batches, { pipelines: [rule('erlang-c')] });
    expect(erlangC.map((t) => t.change)).toEqual(['firing']);
    expect(Number(erlangC[0]!.alert.annotations.predicted_service_level)).toBe(0);
  });

  it('estimates patience from abandons and time spent waiting, and fires when agents leave', () => {
    // A first final 16 minutes earlier marks where the data began: the windows below are full.
    const warmUp = ['contacts_offered', 'contacts_answered', 'contacts_abandoned', 'aht_seconds'].map(
      (name) => value(name, name === 'aht_seconds' ? 18 : 0, T0 - 15 * 60_000, { window: '15m/1m' }),
    );
    const batches = [warmUp, ...Array.from({ length: 40 }, (_, i) => steady(i + 1, i + 1 > 30 ? 40 : 0))];
    const out = runEngine(batches, { pipelines: [rule('erlang-a')] });
    // Batches arrive a minute apart after the warm-up: the 31st steady one (the first without the
    // 40 agents) at 32 min, and the very first final after the drop fires.
    expect(out.map((t) => `${t.at / 60_000}m:${t.change}`)).toEqual(['32m:firing']);
    const alert = out[0]!.alert;
    // Waiting 6.52 × 900 s per 392 abandons is 15 s, pulled up a little by the prior (10 abandons
    // at 180 s).
    const patience = Number(alert.annotations.patience_seconds);
    expect(patience).toBeGreaterThan(15);
    expect(patience).toBeLessThan(20);
    expect(alert.annotations.model).toBe('erlang-a');
    expect(Number(alert.annotations.extra_agents)).toBeGreaterThan(0);
  });

  it('takes a fixed patience instead of estimating one', () => {
    const p = parsePipelineYaml(
      `name: cc
keyBy: [queue, channel]
windows: [{ size: 15m, hop: 1m }]
indicators:
  - id: contacts_offered
  - id: aht_seconds
  - id: agents_available
  - id: service_level
    target: { direction: higher-is-better, warn: 0.8, breach: 0.7 }
alerts:
  - { name: staffing-forecast, type: erlang-c, window: 15m/1m, trend: false, patience: 150s }
`,
      'fixed.yaml',
    );
    // Without contacts_answered the busy agents are offered × AHT: 900/900 × 180 + 3 idle = 183.
    const batches = Array.from({ length: 5 }, (_, i) => {
      const end = T0 + (i + 1) * 60_000;
      return [
        value('agents_available', 3, end - 30_000, { window: 'live', kind: 'early' }),
        value('contacts_offered', 900, end, { window: '15m/1m' }),
        value('aht_seconds', 180, end, { window: '15m/1m' }),
      ];
    });
    expect(runEngine(batches, { pipelines: [p] })).toEqual([]);
  });
});
