import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { AlertTransition } from '../../../src/alerts/alert.js';
import { createAlerting } from '../../../src/alerts/create-alerting.js';
import type { AlertNotifier } from '../../../src/alerts/notifier.js';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';

const p = parsePipelineYaml(
  `name: cc
keyBy: [queue]
windows: [{ size: 1m }]
indicators: [{ id: asa_seconds }]
alerts:
  - { name: slow, type: threshold, indicator: asa_seconds, window: 1m, above: 60 }
`,
  'cc.yaml',
);

const v = (value: number, end: number): IndicatorValue => ({
  pipeline: 'cc',
  indicator: 'asa_seconds',
  window: '1m',
  key: { queue: 'q' },
  keyId: 'queue=q',
  windowStart: end - 60_000,
  windowEnd: end,
  kind: 'final',
  version: 1,
  value,
});

describe('createAlerting', () => {
  it('passes notifiable transitions to each notifier without waiting for it, and records them in the store', async () => {
    const scheduler = new VirtualTimeScheduler();
    const delivered: AlertTransition[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // A notifier that hangs until released: the pipeline must not wait for it.
    const slow: AlertNotifier = {
      name: 'slow',
      async send(ts) {
        await gate;
        delivered.push([...ts]);
      },
    };
    const alerting = createAlerting({ pipelines: [p], scheduler, notifiers: [slow] });
    const values = new Subject<IndicatorValue[]>();
    const out: AlertTransition[] = [];
    values.pipe(alerting.operator).subscribe((ts) => out.push(...ts));
    values.next([v(90, 60_000)]);
    values.next([v(10, 120_000)]);
    expect(out.map((t) => t.change)).toEqual(['firing', 'resolved']);
    expect(alerting.store.recent()).toHaveLength(1);
    expect(delivered).toEqual([]);
    release();
    await alerting.idle();
    expect(delivered.flat().map((t) => t.change)).toEqual(['firing', 'resolved']);
    values.complete();
    await alerting.close();
  });
});
