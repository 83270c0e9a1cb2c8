/**
 * Tag rankings in event-time windows, without any notion of processing time: batches of events
 * in, rankings out. The RxJS operator (tag-rankings-operator.ts) owns the clock (early firings,
 * idle advance) and calls it.
 *
 * The same windows and watermark as the indicator engine (docs/windows.md), on the same pane
 * arithmetic (src/windows/pane-layout.ts):
 * - panes of gcd(sizes, hops); per key and pane, per polarity, one Space-Saving summary of the
 *   tags (capacity m) and the count of answers; a window's ranking is the merge of its panes'
 *   summaries (space-saving.ts), so its error bound is N / m of the whole window;
 * - watermark = max event time − lateness, moved at the end of each batch; a window is final once
 *   the watermark reaches its end, for every key with an answer in it (both polarities);
 * - early rankings for keys that changed: per window definition, the open window that holds the
 *   key's latest answer and ends first;
 * - unlike the indicator engine there are no corrections: an answer for a window that is already
 *   final is too late, counted in `stats.tooLate` and left out of every window, so each final
 *   ranking is exactly the merge of the answers it accepted. Lateness is what lets late answers in.
 *
 * Memory: per key, one pane per pane length of the longest window plus the lateness, each with at
 * most 2 × m counters: bounded whatever the number of distinct tags. Keys are capped at maxKeys.
 */
import type {
  TagPolarity,
  TagRankingsDefinition,
  WindowDefinition,
} from '../../config/pipeline-definition.js';
import type { CxEvent } from '../../events/types.js';
import {
  firstWindowOf,
  lastWindowOf,
  maxEndPane,
  minEndPane,
  paneLayout,
  windowEndPane,
  type PaneLayout,
  type WindowShape,
} from '../../windows/pane-layout.js';
import { mergeSpaceSaving, SpaceSaving } from './space-saving.js';
import { NEUTRAL, TagClassifier } from './tag-classifier.js';
import { rankEntries, type TagRanking } from './tag-ranking.js';

const POLARITY_NAMES: readonly TagPolarity[] = ['negative', 'positive'];

export interface TagRankingEngineOptions {
  pipeline: string;
  /** The windows the rankings are kept for (the pipeline's, or those `tagRankings.windows` names). */
  windows: readonly WindowDefinition[];
  /** Watermark = max event time − this. */
  allowedLatenessMs: number;
  rules: TagRankingsDefinition;
}

export interface TagRankingStats {
  /** Answers and posts taken into some pane (any polarity). */
  answers: number;
  /** Of them, negative or positive ones with at least one tag. */
  tagged: number;
  /** Answers for a window that was already final, or with a time that is not a number: left out. */
  tooLate: number;
  /** Answers left out because maxKeys keys were live. */
  overCardinality: number;
}

interface Pane {
  /** Per polarity (negative, positive): the tag summary, created on its first tag. */
  summaries: [SpaceSaving | undefined, SpaceSaving | undefined];
  /** Answers per polarity (negative, positive). */
  answers: [number, number];
  /** Every answer and post, neutral ones included. */
  all: number;
}

interface KeyState {
  key: Readonly<Record<string, string>>;
  keyId: string;
  panes: Map<number, Pane>;
  lastTs: number;
  dirty: boolean;
}

export class TagRankingEngine {
  readonly layout: PaneLayout;
  readonly stats: TagRankingStats = { answers: 0, tagged: 0, tooLate: 0, overCardinality: 0 };
  private readonly pipeline: string;
  private readonly rules: TagRankingsDefinition;
  private readonly lateness: number;
  private readonly paneMs: number;
  private readonly classifier: TagClassifier;
  private readonly dims: readonly string[];
  private readonly keys = new Map<string, KeyState>();
  /** Pane index → keys with a pane there. */
  private readonly paneKeys = new Map<number, Set<KeyState>>();
  /** Sorted pane indices of `paneKeys`. */
  private livePanes: number[] = [];
  private dirtyKeys: KeyState[] = [];
  private maxTs = -Infinity;
  private wm = -Infinity;

  constructor(options: TagRankingEngineOptions) {
    this.pipeline = options.pipeline;
    this.rules = options.rules;
    this.lateness = options.allowedLatenessMs;
    this.layout = paneLayout(options.windows);
    this.paneMs = this.layout.paneMs;
    this.classifier = new TagClassifier(options.rules);
    this.dims = [...options.rules.keyBy].sort();
  }

  /** Max event time seen − lateness (or further, after an idle advance); −∞ before any event. */
  get watermark(): number {
    return this.wm;
  }

  get liveKeys(): number {
    return this.keys.size;
  }

  get livePaneCount(): number {
    return this.livePanes.length;
  }

  /** True when some key took an answer since the last early firing. */
  get hasChanges(): boolean {
    return this.dirtyKeys.length > 0;
  }

  /** Adds a batch, then moves the watermark and appends the rankings of the windows it closes. */
  processBatch(events: readonly CxEvent[], out: TagRanking[]): void {
    const w0 = this.wm;
    const paneMs = this.paneMs;
    const classifier = this.classifier;
    let maxTs = this.maxTs;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const ts = event.ts;
      if (ts - ts !== 0) {
        // NaN or ±Infinity would poison the watermark; the decoder should never let one through.
        this.stats.tooLate++;
        continue;
      }
      const polarity = classifier.polarity(event);
      if (polarity === undefined) {
        if (ts > maxTs) maxTs = ts;
        continue;
      }
      const paneIndex = Math.floor(ts / paneMs);
      if (ts < w0 && minEndPane(this.layout, paneIndex) * paneMs <= w0) {
        this.stats.tooLate++;
        continue;
      }
      if (ts > maxTs) maxTs = ts;
      const key = this.keyOf(event);
      if (key === undefined) {
        this.stats.overCardinality++;
        continue;
      }
      if (ts > key.lastTs) key.lastTs = ts;
      const pane = this.paneOf(key, paneIndex);
      pane.all++;
      this.stats.answers++;
      if (!key.dirty) {
        key.dirty = true;
        this.dirtyKeys.push(key);
      }
      if (polarity === NEUTRAL) continue;
      pane.answers[polarity]++;
      const tags = classifier.tagsOf(event);
      if (tags.size === 0) continue;
      this.stats.tagged++;
      const summary = (pane.summaries[polarity] ??= new SpaceSaving(this.rules.capacity));
      for (const tag of tags) summary.add(tag);
    }
    this.maxTs = maxTs;
    this.advanceTo(maxTs - this.lateness, out);
  }

  /**
   * Moves the watermark forward (never back): appends the final rankings of every window it closes
   * that holds an answer, in order of window end, then drops the panes no open window contains.
   */
  advanceTo(watermark: number, out: TagRanking[]): void {
    const w0 = this.wm;
    if (!(watermark > w0)) return;
    this.wm = watermark;
    const paneMs = this.paneMs;
    const p0 = Math.floor(w0 / paneMs);
    const p1 = Math.floor(watermark / paneMs);
    if (!(p1 > p0)) return;
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
      for (const key of this.keysInWindow(shape, k)) this.emit(shape, k, key, 'final', out);
    }
    this.dropPanes(watermark);
  }

  /** Appends early rankings for the keys that took answers since the last early firing. */
  fireEarly(out: TagRanking[]): void {
    const paneMs = this.paneMs;
    const dirty = this.dirtyKeys;
    this.dirtyKeys = [];
    for (const key of dirty) {
      key.dirty = false;
      if (key.panes.size === 0) continue;
      const pane = Math.floor(key.lastTs / paneMs);
      for (const shape of this.layout.windows) {
        const last = lastWindowOf(shape, pane);
        for (let k = firstWindowOf(shape, pane); k <= last; k++) {
          if (windowEndPane(shape, k) * paneMs > this.wm) {
            this.emit(shape, k, key, 'early', out);
            break;
          }
        }
      }
    }
  }

  /** End of input: every window with answers becomes final. */
  flush(out: TagRanking[]): void {
    this.advanceTo(Infinity, out);
  }

  private emit(
    shape: WindowShape,
    k: number,
    key: KeyState,
    kind: 'early' | 'final',
    out: TagRanking[],
  ): void {
    const from = k * shape.hop;
    const to = from + shape.size;
    const capacity = this.rules.capacity;
    const summaries: [SpaceSaving[], SpaceSaving[]] = [[], []];
    const answers = [0, 0];
    let all = 0;
    for (const [index, pane] of key.panes) {
      if (index < from || index >= to) continue;
      all += pane.all;
      for (let p = 0; p < 2; p++) {
        answers[p]! += pane.answers[p]!;
        const summary = pane.summaries[p];
        if (summary !== undefined) summaries[p]!.push(summary);
      }
    }
    if (all === 0) return;
    const paneMs = this.paneMs;
    for (let p = 0; p < 2; p++) {
      const merged = mergeSpaceSaving(summaries[p]!, capacity);
      out.push({
        pipeline: this.pipeline,
        window: shape.name,
        windowStart: from * paneMs,
        windowEnd: to * paneMs,
        key: key.key,
        keyId: key.keyId,
        polarity: POLARITY_NAMES[p]!,
        kind,
        answers: answers[p]!,
        allAnswers: all,
        tagOccurrences: merged.total,
        floor: merged.floor,
        capacity,
        entries: rankEntries(merged, this.rules.top, answers[p]!),
      });
    }
  }

  private keysInWindow(shape: WindowShape, k: number): Set<KeyState> {
    const from = k * shape.hop;
    const to = from + shape.size;
    const keys = new Set<KeyState>();
    for (const p of this.livePanes) {
      if (p < from) continue;
      if (p >= to) break;
      for (const key of this.paneKeys.get(p)!) keys.add(key);
    }
    return keys;
  }

  private keyOf(event: CxEvent): KeyState | undefined {
    const dims = this.dims;
    let keyId = '';
    const values: string[] = [];
    for (let d = 0; d < dims.length; d++) {
      const raw = (event as unknown as Record<string, unknown>)[dims[d]!];
      const value = typeof raw === 'string' && raw !== '' ? raw : '-';
      values.push(value);
      keyId += `${d > 0 ? ',' : ''}${dims[d]}=${value}`;
    }
    let key = this.keys.get(keyId);
    if (key !== undefined) return key;
    if (this.keys.size >= this.rules.maxKeys) return undefined;
    const record: Record<string, string> = {};
    for (let d = 0; d < dims.length; d++) record[dims[d]!] = values[d]!;
    key = { key: Object.freeze(record), keyId, panes: new Map(), lastTs: -Infinity, dirty: false };
    this.keys.set(keyId, key);
    return key;
  }

  private paneOf(key: KeyState, index: number): Pane {
    let pane = key.panes.get(index);
    if (pane !== undefined) return pane;
    pane = { summaries: [undefined, undefined], answers: [0, 0], all: 0 };
    key.panes.set(index, pane);
    let keys = this.paneKeys.get(index);
    if (keys === undefined) {
      this.paneKeys.set(index, (keys = new Set()));
      const live = this.livePanes;
      let at = live.length;
      while (at > 0 && live[at - 1]! > index) at--;
      live.splice(at, 0, index);
    }
    keys.add(key);
    return pane;
  }

  /** Drops the panes every window containing them has closed through; keys left without panes go. */
  private dropPanes(watermark: number): void {
    const paneMs = this.paneMs;
    let dropped = 0;
    for (const p of this.livePanes) {
      if (maxEndPane(this.layout, p) * paneMs > watermark) break;
      for (const key of this.paneKeys.get(p)!) {
        key.panes.delete(p);
        if (key.panes.size === 0) this.keys.delete(key.keyId);
      }
      this.paneKeys.delete(p);
      dropped++;
    }
    if (dropped > 0) this.livePanes.splice(0, dropped);
  }
}
