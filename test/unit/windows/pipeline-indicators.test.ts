import { Subject, VirtualTimeScheduler } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { parsePipelineYaml } from '../../../src/config/pipeline-loader.js';
import type { CxEvent } from '../../../src/events/types.js';
import type { IndicatorValue } from '../../../src/windows/indicator-value.js';
import { LIVE_WINDOW, pipelineIndicators } from '../../../src/windows/pipeline-indicators.js';

const pipeline = parsePipelineYaml(
  `name: live
source: { topics: [cx.events], eventTypes: [contact.queued, contact.answered, agent.state] }
keyBy: [queue, channel]
windows: [{ size: 1m }]
earlyFiring: 1s
indicators:
  - id: contacts_offered
  - id: contacts_in_queue
  - id: oldest_wait_seconds
  - id: agents_available
`,
  'live.yaml',
);

const T = 1_700_000_000_000;
const queued = (id: string, ts: number) =>
  ({ id, type: 'contact.queued', ts, channel: 'voice', queue: 'billing', contactId: id }) as CxEvent;
const agent = {
  id: 'ag',
  type: 'agent.state',
  ts: T,
  agentId: 'a1',
  team: 't',
  queues: ['billing', 'sales'],
  state: 'available',
} as CxEvent;
const survey = {
  id: 's',
  type: 'survey.response',
  ts: T,
  csat: 5,
  queue: 'billing',
  channel: 'voice',
} as CxEvent;

/** Feeds batches at virtual times and unsubscribes at `untilMs`: the gauge ticker never ends by itself. */
function run(
  batches: Array<[atMs: number, events: CxEvent[]]>,
  untilMs: number,
  complete = false,
): IndicatorValue[][] {
  const out: IndicatorValue[][] = [];
  const scheduler = new VirtualTimeScheduler(undefined, untilMs + 1);
  const source = new Subject<CxEvent[]>();
  const subscription = source.pipe(pipelineIndicators(pipeline, { scheduler })).subscribe((b) => out.push(b));
  for (const [at, events] of batches) scheduler.schedule(() => source.next(events), at);
  if (complete) scheduler.schedule(() => source.complete(), batches.at(-1)![0] + 1);
  scheduler.schedule(() => subscription.unsubscribe(), untilMs);
  scheduler.flush();
  return out;
}

describe('pipelineIndicators', () => {
  it('emits live gauges every early-firing interval, keyed like the windowed values', () => {
    const out = run(
      [
        [0, [agent, queued('c1', T + 1000)]],
        [501, [queued('c2', T + 5000)]],
      ],
      2500,
    );
    const live = out.flat().filter((v) => v.window === LIVE_WINDOW);
    const at = (indicator: string) => live.filter((v) => v.indicator === indicator).at(-1);
    expect(at('contacts_in_queue')).toMatchObject({
      keyId: 'channel=voice,queue=billing',
      value: 2,
      kind: 'early',
    });
    expect(at('oldest_wait_seconds')?.value).toBe(4);
    expect(at('agents_available')?.value).toBe(1);
    // `sales` is known only from the agent's skills: without a channel it gets no key of its own.
    expect(live.some((v) => v.key.queue === 'sales')).toBe(false);
    const windowed = out
      .flat()
      .filter((v) => v.window === '1m' && v.indicator === 'contacts_offered')
      .at(-1);
    expect(windowed).toMatchObject({ keyId: 'channel=voice,queue=billing', value: 2 });
  });

  it('ignores event types the pipeline does not read', () => {
    const out = run([[0, [survey]]], 3000, true);
    expect(out.flat()).toEqual([]);
  });

  it('completes with the source, flushing finals, and stops the gauge ticker', () => {
    const out = run([[0, [queued('c1', T)]]], 5000, true);
    const finals = out.flat().filter((v) => v.kind === 'final');
    expect(finals.map((v) => [v.indicator, v.value])).toContainEqual(['contacts_offered', 1]);
  });
});
