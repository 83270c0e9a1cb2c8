/**
 * Accumulators whose state is a few numbers that start at 0 and merge by adding slot by slot
 * (counts, ratios, means), written once over number slots.
 *
 * add() and result() read and write `buf[at + i]` for slot i directly. The window engine calls
 * them on its packed pane arrays (the numeric form, accumulator.ts); the object form is the same
 * functions on a small array at offset 0, so the two forms are one definition and cannot drift.
 * Writing add() on slots rather than on a `{ num, den }` record keeps the engine's hot path free of
 * a scratch record and a second call per event (see docs/windows.md, Throughput).
 */
import type { CxEvent, EventType } from '../events/types.js';
import type { IndicatorAccumulator, IndicatorResult, NumericSlots, SlotSummary } from './accumulator.js';
import { summaryResult } from './results.js';

export interface SlotIndicator {
  readonly name: string;
  readonly eventTypes: readonly EventType[];
  /** Slot names in order; their number is the state's size. */
  readonly slots: readonly string[];
  add(buf: NumericSlots, at: number, event: CxEvent): void;
  /** The value: one of the standard summaries of the slots, or a result() of the indicator's own. */
  readonly value: SlotSummary | ((buf: NumericSlots, at: number) => IndicatorResult);
}

export function slotAccumulator(spec: SlotIndicator): IndicatorAccumulator<number[]> {
  const slots = spec.slots.length;
  const value = spec.value;
  const summary = typeof value === 'function' ? undefined : value;
  // A count has one slot: its y is not read.
  const result =
    typeof value === 'function'
      ? value
      : (buf: NumericSlots, at: number) =>
          summaryResult(value, buf[at]!, value.kind === 'count' ? 0 : buf[at + 1]!);
  const merge = (into: NumericSlots, intoAt: number, from: NumericSlots, fromAt: number): void => {
    for (let i = 0; i < slots; i++) into[intoAt + i] = into[intoAt + i]! + from[fromAt + i]!;
  };
  return {
    name: spec.name,
    eventTypes: spec.eventTypes,
    create: () => new Array<number>(slots).fill(0),
    add: (state, event) => spec.add(state, 0, event),
    merge: (into, from) => merge(into, 0, from, 0),
    result: (state) => result(state, 0),
    numeric: { slots, add: spec.add, merge, result, ...(summary ? { summary } : {}) },
  };
}
