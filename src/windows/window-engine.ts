/**
 * The event-time window engine, without any notion of processing time: it takes batches of events
 * and watermark moves, and pushes the values they produce, in output order, into a sink (an array,
 * or a ValueChunker that hands them on a few thousand at a time: see value-chunker.ts). The RxJS operator
 * (`windowed-indicators.ts`) owns the clock and calls it. Semantics are documented in docs/windows.md.
 *
 * Layout of the state:
 * - per key (interned, see key-interner.ts): its panes, flat (see pane-store.ts), one mutable state
 *   slot per indicator and pane;
 * - per pane index: the keys that have a pane there, and a sorted list of live pane indices,
 *   so closing a window only visits the keys that had data in it;
 * - the versions of windows that were corrected (rare; finals are version 1 without bookkeeping).
 */
import type { PipelineDefinition } from '../config/pipeline-definition.js';
import { compileFilter, type EventFilter } from '../config/filter.js';
import { CxPulseError } from '../errors/codes.js';
import type { CxEvent, EventType } from '../events/types.js';
import type {
  IndicatorAccumulator,
  IndicatorResult,
  NumericForm,
  SlotSummary,
} from '../indicators/accumulator.js';
import { writeSummary } from '../indicators/results.js';
import type { FiringKind, IndicatorValue, RejectedEvent } from './indicator-value.js';
import { KeyInterner, type KeyRecord } from './key-interner.js';
import type { ValueSink } from './value-chunker.js';
import { WindowMerger, type BlockCache, type Composite } from './window-merger.js';
import {
  addNumericState,
  addState,
  DENSE,
  findPane,
  insertPane,
  lowerBound,
  paneCount,
  paneSeen,
  popcount,
  removePane,
  SlotLayout,
} from './pane-store.js';
import {
  firstWindowOf,
  lastWindowOf,
  maxEndPane,
  minEndPane,
  paneLayout,
  windowEndPane,
  type PaneLayout,
  type WindowShape,
} from './pane-layout.js';

/**
 * Expected panes per window above which a key's hopping windows use block aggregates. Below it a
 * window merges its few panes directly, which is cheap, and the key keeps no cache: a cache holds a
 * snapshot per window start (15 for 15m/1m), several KB per key, which at 10 000 sparse keys
 * costs more memory than their panes.
 */
const DENSE_PANES_PER_WINDOW = 24;

type Key = KeyRecord<BlockCache>;

interface CorrectedWindow {
  version: number;
  endMs: number;
}

export interface WindowEngineTuning {
  /** Expected panes per window above which a key's hopping windows use block aggregates (default 24; 0 = always). */
  densePanesPerWindow?: number;
  /**
   * Keep the states of indicators that have a numeric form as numbers in the packed pane arrays
   * rather than one object each (default true; false keeps every state an object, for comparison).
   */
  numericStates?: boolean;
}

export interface WindowEngineCounters {
  rejectedTooLate: number;
  rejectedCardinality: number;
  evictedKeys: number;
}

/** Placeholder for values whose fields writeSummary fills (all overwritten but quantiles and parts). */
const NO_RESULT: IndicatorResult = { value: null };

export class WindowEngine {
  readonly layout: PaneLayout;
  readonly counters: WindowEngineCounters = { rejectedTooLate: 0, rejectedCardinality: 0, evictedKeys: 0 };
  private readonly paneMs: number;
  /** Indicators, i.e. states a pane can hold (see pane-store.ts). */
  private readonly stride: number;
  private readonly accumulators: IndicatorAccumulator[];
  /** Per indicator: its numeric form when its pane states are kept as numbers (see pane-store.ts). */
  private readonly numeric: (NumericForm | undefined)[];
  private readonly slotLayout: SlotLayout;
  private readonly filters: (EventFilter | undefined)[];
  /** Event type → indices of the indicators that read it. */
  private readonly routes = new Map<EventType, number[]>();
  private readonly interner: KeyInterner<BlockCache>;
  private readonly merger: WindowMerger;
  /** Per indicator, its standard summary when kept numeric (see emitValues). */
  private readonly summaries: readonly (SlotSummary | undefined)[];
  /** Pane index → the keys that have a pane there. */
  private readonly paneKeys = new Map<number, Key[]>();
  /** Sorted pane indices present in `paneKeys`. */
  private livePanes: number[] = [];
  private readonly corrected = new Map<string, CorrectedWindow>();
  private readonly dirtyKeys: Key[] = [];
  private readonly trackChanges: boolean;
  private readonly densePanesPerWindow: number;
  private mark = 0;
  private maxTs = -Infinity;
  private wm = -Infinity;

  constructor(
    private readonly pipeline: PipelineDefinition,
    accumulators: readonly IndicatorAccumulator[],
    private readonly onRejected: (r: RejectedEvent) => void = () => {},
    tuning: WindowEngineTuning = {},
  ) {
    if (accumulators.length !== pipeline.indicators.length) {
      throw new CxPulseError(
        'CXP_ERR_PIPELINE_INVALID',
        `pipeline ${pipeline.name}: ${pipeline.indicators.length} indicators but ${accumulators.length} accumulators`,
      );
    }
    this.layout = paneLayout(pipeline.windows);
    this.paneMs = this.layout.paneMs;
    this.accumulators = [...accumulators];
    this.stride = accumulators.length;
    this.filters = pipeline.indicators.map((d) => (d.filter ? compileFilter(d.filter) : undefined));
    accumulators.forEach((acc, i) => {
      for (const type of acc.eventTypes) {
        const route = this.routes.get(type);
        if (route) route.push(i);
        else this.routes.set(type, [i]);
      }
    });
    this.interner = new KeyInterner(pipeline.keyBy, pipeline.maxKeys);
    this.trackChanges = pipeline.earlyFiringIntervalMs > 0;
    const numericStates = tuning.numericStates ?? true;
    this.numeric = this.accumulators.map((acc) => (numericStates ? acc.numeric : undefined));
    this.slotLayout = new SlotLayout(this.numeric.map((n) => n?.slots ?? 0));
    this.merger = new WindowMerger(this.accumulators, this.slotLayout);
    this.summaries = this.accumulators.map((_, a) => this.merger.summaryOf(a));
    this.densePanesPerWindow = tuning.densePanesPerWindow ?? DENSE_PANES_PER_WINDOW;
  }

  /** Max event time seen − allowedLatenessMs (or further, after an idle advance); -Infinity before any event. */
  get watermark(): number {
    return this.wm;
  }

  get liveKeys(): number {
    return this.interner.size;
  }

  get livePaneCount(): number {
    return this.livePanes.length;
  }

  /** True when some key changed since the last early firing. */
  get hasChanges(): boolean {
    return this.dirtyKeys.length > 0;
  }

  /**
   * Adds a batch: every event lands in its key's pane; corrections for windows that were already
   * final are appended (one per window and key), then the watermark moves and closing windows
   * append their finals.
   */
  processBatch(events: readonly CxEvent[], out: ValueSink): void {
    const w0 = this.wm;
    const paneMs = this.paneMs;
    const accumulators = this.accumulators;
    const filters = this.filters;
    const routes = this.routes;
    const interner = this.interner;
    const trackChanges = this.trackChanges;
    const numericForms = this.numeric;
    const layout = this.slotLayout;
    const unitSlots = layout.unit;
    let maxTs = this.maxTs;
    let lastType: EventType | undefined;
    let route: number[] | undefined;
    let late: (Key | number)[] | undefined;

    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (event.type !== lastType) {
        lastType = event.type;
        route = routes.get(lastType);
      }
      const ts = event.ts;
      if (route === undefined) {
        // No indicator reads it, but it still tells how far event time has gone.
        if (ts > maxTs) maxTs = ts;
        continue;
      }
      if (ts - ts !== 0) {
        // NaN or ±Infinity would poison the watermark; the decoder should never let one through.
        this.reject('too-late', event, 'event time is not a finite number');
        continue;
      }
      const paneIndex = Math.floor(ts / paneMs);
      let isLate = false;
      if (ts < w0) {
        if (minEndPane(this.layout, paneIndex) * paneMs + this.pipeline.correctionHorizonMs < w0) {
          this.reject('too-late', event, `a window containing ts ${ts} ended beyond the correction horizon`);
          continue;
        }
        isLate = true;
      } else if (ts > maxTs) {
        maxTs = ts;
      }
      const key = interner.lookup(event);
      if (key === undefined) {
        this.reject('cardinality', event, `pipeline already has maxKeys=${this.pipeline.maxKeys} keys`);
        continue;
      }
      if (ts > key.lastTs) key.lastTs = ts;
      let pos = key.lastPos;
      if (key.lastPaneIndex !== paneIndex) {
        pos = findPane(key, paneIndex);
        if (pos < 0) pos = this.createPane(key, paneIndex, w0);
        key.lastPaneIndex = paneIndex;
        key.lastPos = pos;
      }
      const states = key.states;
      const start = key.paneStart[pos]!;
      let mask = key.paneMask[pos]!;
      for (let j = 0; j < route.length; j++) {
        const a = route[j]!;
        const filter = filters[a];
        if (filter !== undefined && !filter(event)) continue;
        // A state is created on the indicator's first event in the pane: most panes of a sparse
        // key see one or two event types. Slot arithmetic: see pane-store.ts.
        const numeric = numericForms[a];
        if (numeric !== undefined) {
          let slot: number;
          if (mask === DENSE) slot = start + layout.denseOffset[a]!;
          else {
            const bit = 1 << a;
            if ((mask & bit) !== 0) slot = start + layout.slotsOf(mask & (bit - 1));
            else {
              slot = addNumericState(key, pos, a, numeric.slots, layout);
              mask |= bit;
            }
          }
          numeric.add(states as number[], slot, event);
          continue;
        }
        const acc = accumulators[a]!;
        let state: unknown;
        if (mask === DENSE) {
          const at = start + layout.denseOffset[a]!;
          if ((state = states[at]) === undefined) states[at] = state = acc.create();
        } else {
          const bit = 1 << a;
          const below = mask & (bit - 1);
          if ((mask & bit) !== 0)
            state = states[start + (unitSlots ? popcount(below) : layout.slotsOf(below))];
          else {
            addState(key, pos, a, (state = acc.create()), layout);
            mask |= bit;
          }
        }
        acc.add(state, event);
      }
      if (trackChanges && !key.dirty) {
        key.dirty = true;
        this.dirtyKeys.push(key);
      }
      if (isLate) {
        (late ??= []).push(key, paneIndex);
        this.merger.invalidate(key);
      }
    }

    this.maxTs = maxTs;
    if (late !== undefined) this.emitCorrections(late, w0, out);
    this.advanceTo(maxTs - this.pipeline.allowedLatenessMs, out);
  }

  /**
   * Moves the watermark forward (never back): appends a final for every key with data in every
   * window whose end the watermark reaches, then drops panes no window can be corrected through
   * and evicts idle keys.
   */
  advanceTo(watermark: number, out: ValueSink): void {
    const w0 = this.wm;
    if (!(watermark > w0)) return;
    this.wm = watermark;
    const paneMs = this.paneMs;
    const p0 = Math.floor(w0 / paneMs);
    const p1 = Math.floor(watermark / paneMs);
    // Window ends and pane drops happen on pane boundaries only.
    if (!(p1 > p0)) return;

    // Windows whose end pane e is in [p0 + 1, p1], and which hold at least one live pane.
    const closing: { shape: WindowShape; k: number; end: number }[] = [];
    for (const shape of this.layout.windows) {
      const kMin = Math.ceil((p0 + 1 - shape.size) / shape.hop);
      const kMax = Math.floor((p1 - shape.size) / shape.hop);
      let next = kMin;
      for (const p of this.livePanes) {
        const lo = Math.max(firstWindowOf(shape, p), next);
        const hi = Math.min(lastWindowOf(shape, p), kMax);
        for (let k = lo; k <= hi; k++) closing.push({ shape, k, end: windowEndPane(shape, k) });
        if (hi + 1 > next) next = hi + 1;
        if (next > kMax) break;
      }
    }
    closing.sort((a, b) => a.end - b.end || a.shape.index - b.shape.index);
    for (const { shape, k } of closing) {
      const start = k * shape.hop;
      for (const key of this.keysInWindow(shape, k)) {
        const states = this.useBlocks(key, shape)
          ? this.merger.blocks(key, shape, k)
          : this.merger.naive(key, start, start + shape.size);
        if (states !== undefined) this.emitValues(shape, k, key, 'final', 1, states, out);
      }
    }

    this.dropPanes(watermark);
    this.evictIdleKeys(watermark);
  }

  /**
   * Appends early values for every key that received events since the last early firing: per window
   * definition, only the open window that contains the key's latest event time and ends first (what
   * a wallboard shows: the last `size` up to now). Other open windows get their final when the
   * watermark passes them.
   */
  fireEarly(out: ValueSink): void {
    const paneMs = this.paneMs;
    const wm = this.wm;
    for (const key of this.dirtyKeys) {
      key.dirty = false;
      const pane = Math.floor(key.lastTs / paneMs);
      for (const shape of this.layout.windows) {
        // The open window (end > watermark) that ends first among those holding the latest event:
        // for a hopping window, "the last `size` up to now", the most complete one. None is open
        // when the key's latest events only fed corrections.
        const last = lastWindowOf(shape, pane);
        for (let k = firstWindowOf(shape, pane); k <= last; k++) {
          if (windowEndPane(shape, k) * paneMs > wm) {
            this.emitWindow(shape, k, key, 'early', 0, out);
            break;
          }
        }
      }
    }
    this.dirtyKeys.length = 0;
  }

  /** End of input: every open window becomes final, all state is released. */
  flush(out: ValueSink): void {
    this.advanceTo(Infinity, out);
    this.dirtyKeys.length = 0;
  }

  private reject(reason: RejectedEvent['reason'], event: CxEvent, detail: string): void {
    if (reason === 'too-late') this.counters.rejectedTooLate++;
    else this.counters.rejectedCardinality++;
    this.onRejected({ reason, pipeline: this.pipeline.name, eventId: event.id, eventTs: event.ts, detail });
  }

  /** Inserts an empty pane for `key`; returns its position. */
  private createPane(key: Key, index: number, watermark: number): number {
    // Whether a window (which ends after `index`) had counted this pane in its final only depends on
    // the watermark at creation, in panes; clamped to `index` so it stays a small integer.
    const seen = Math.max(Math.floor(watermark / this.paneMs), index);
    const pos = insertPane(key, index, seen, this.stride, this.slotLayout);
    let keys = this.paneKeys.get(index);
    if (keys === undefined) {
      keys = [];
      this.paneKeys.set(index, keys);
      const live = this.livePanes;
      if (live.length === 0 || index > live[live.length - 1]!) live.push(index);
      else live.splice(sortedInsertionPoint(live, index), 0, index);
    }
    keys.push(key);
    return pos;
  }

  /** Keys with at least one pane in window k of `shape`, each once. */
  private keysInWindow(shape: WindowShape, k: number): Key[] {
    const mark = ++this.mark;
    const keys: Key[] = [];
    const start = k * shape.hop;
    for (let p = start; p < start + shape.size; p++) {
      const entry = this.paneKeys.get(p);
      if (entry === undefined) continue;
      for (const key of entry) {
        if (key.mark === mark) continue;
        key.mark = mark;
        keys.push(key);
      }
    }
    return keys;
  }

  /**
   * Block aggregates pay off for a hopping window whose key has many panes in it (a dense key):
   * they replace size/hop merges per pane by a few. A sparse key merges its few panes directly,
   * and keeps no cache (memory is what bounds the number of keys).
   */
  private useBlocks(key: Key, shape: WindowShape): boolean {
    const dense = this.densePanesPerWindow;
    const count = paneCount(key);
    if (shape.size <= shape.hop || count < dense) return false;
    const span = key.paneIndex[key.paneIndex.length - 1]! - key.paneIndex[key.head]! + 1;
    return (count * shape.size) / span > dense;
  }

  /** One value per indicator for window k of `shape` and `key`, from its panes; nothing when it has none. */
  private emitWindow(
    shape: WindowShape,
    k: number,
    key: Key,
    kind: FiringKind,
    version: number,
    out: ValueSink,
  ): void {
    const start = k * shape.hop;
    const states = this.merger.naive(key, start, start + shape.size);
    if (states !== undefined) this.emitValues(shape, k, key, kind, version, states, out);
  }

  private emitValues(
    shape: WindowShape,
    k: number,
    key: Key,
    kind: FiringKind,
    version: number,
    states: Composite,
    out: ValueSink,
  ): void {
    const start = k * shape.hop;
    const windowStart = start * this.paneMs;
    const windowEnd = (start + shape.size) * this.paneMs;
    const summaries = this.summaries;
    for (let a = 0; a < this.accumulators.length; a++) {
      const acc = this.accumulators[a]!;
      const summary = summaries[a];
      // A count, ratio or mean is written from its slots (writeSummary): no result object per value.
      const r = summary === undefined ? this.merger.result(states, a) : NO_RESULT;
      // Spelled out rather than spread: `{ ...r, … }` costs several times more, and the mapped type
      // makes the compiler flag any field added to IndicatorResult that is not copied here.
      const value: { [F in keyof Required<IndicatorValue>]: IndicatorValue[F] } = {
        value: r.value,
        numerator: r.numerator,
        denominator: r.denominator,
        samples: r.samples,
        quantiles: r.quantiles,
        parts: r.parts,
        pipeline: this.pipeline.name,
        indicator: acc.name,
        window: shape.name,
        key: key.key,
        keyId: key.keyId,
        windowStart,
        windowEnd,
        kind,
        version,
      };
      if (summary !== undefined) {
        const slots = states[a] as number[] | undefined;
        writeSummary(value, summary, slots === undefined ? 0 : slots[0]!, slots?.[1] ?? 0);
      }
      out.push(value);
    }
  }

  /** `late` holds (key, pane index) pairs of events that arrived after some of their windows were final. */
  private emitCorrections(late: (Key | number)[], w0: number, out: ValueSink): void {
    const done = new Set<string>();
    const paneMs = this.paneMs;
    for (let i = 0; i < late.length; i += 2) {
      const key = late[i] as Key;
      const paneIndex = late[i + 1] as number;
      for (const shape of this.layout.windows) {
        const hi = lastWindowOf(shape, paneIndex);
        for (let k = firstWindowOf(shape, paneIndex); k <= hi; k++) {
          const endMs = windowEndPane(shape, k) * paneMs;
          if (endMs > w0) break; // still open: its final will include the event
          const id = `${shape.index}|${k}|${key.keyId}`;
          if (done.has(id)) continue;
          done.add(id);
          const previous = this.corrected.get(id)?.version ?? (this.hadFinal(key, shape, k, endMs) ? 1 : 0);
          this.corrected.set(id, { version: previous + 1, endMs });
          this.emitWindow(shape, k, key, 'correction', previous + 1, out);
        }
      }
    }
  }

  /** Whether the key had data in window k when it closed (i.e. a final version 1 was emitted). */
  private hadFinal(key: Key, shape: WindowShape, k: number, endMs: number): boolean {
    const start = k * shape.hop;
    const endPane = endMs / this.paneMs;
    const hi = lowerBound(key, start + shape.size);
    for (let pos = lowerBound(key, start); pos < hi; pos++) if (paneSeen(key, pos) < endPane) return true;
    return false;
  }

  /** Drops panes whose every window ended more than correctionHorizonMs before the watermark. */
  private dropPanes(watermark: number): void {
    const horizon = this.pipeline.correctionHorizonMs;
    const live = this.livePanes;
    let n = 0;
    while (n < live.length && maxEndPane(this.layout, live[n]!) * this.paneMs + horizon < watermark) {
      const index = live[n]!;
      for (const key of this.paneKeys.get(index)!) removePane(key, index);
      this.paneKeys.delete(index);
      n++;
    }
    if (n > 0) this.livePanes = live.slice(n);
    for (const [id, c] of this.corrected) if (c.endMs + horizon < watermark) this.corrected.delete(id);
  }

  /** Keys without panes whose last event is older than keyIdleEvictMs (event time, against the watermark). */
  private evictIdleKeys(watermark: number): void {
    const limit = watermark - this.pipeline.keyIdleEvictMs;
    for (const key of this.interner.keys()) {
      if (paneCount(key) === 0 && key.lastTs < limit) {
        this.interner.evict(key);
        this.counters.evictedKeys++;
      }
    }
  }
}

function sortedInsertionPoint(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
