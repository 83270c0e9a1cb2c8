/**
 * Until the wallboard lands, the demo shows its live values in the log: every few seconds one line
 * per pipeline and key with the newest value of each indicator in the pipeline's first window.
 */
import type { CxPulseApp } from '../app.js';
import type { IndicatorValue } from '../windows/indicator-value.js';
import { LIVE_WINDOW } from '../windows/pipeline-indicators.js';

const MAX_KEYS_PER_PIPELINE = 12;

export function formatValue(v: IndicatorValue): string {
  if (v.value === null) return '–';
  if (v.quantiles) {
    return Object.entries(v.quantiles)
      .map(([q, x]) => `${q}:${Math.round(x)}`)
      .join('/');
  }
  return Number.isInteger(v.value) ? String(v.value) : v.value.toFixed(Math.abs(v.value) >= 10 ? 1 : 3);
}

export function summariseValues(values: readonly IndicatorValue[]): string[] {
  const firstWindow = new Map<string, string>();
  for (const v of values)
    if (v.window !== LIVE_WINDOW && !firstWindow.has(v.pipeline)) firstWindow.set(v.pipeline, v.window);
  const byLine = new Map<string, Map<string, IndicatorValue>>();
  for (const v of values) {
    if (v.window !== LIVE_WINDOW && v.window !== firstWindow.get(v.pipeline)) continue;
    const line = `${v.pipeline} ${v.keyId}`;
    const perIndicator = byLine.get(line) ?? new Map<string, IndicatorValue>();
    const current = perIndicator.get(v.indicator);
    if (!current || current.windowStart <= v.windowStart) perIndicator.set(v.indicator, v);
    byLine.set(line, perIndicator);
  }
  const perPipeline = new Map<string, number>();
  const lines: string[] = [];
  for (const [line, perIndicator] of [...byLine].sort(([a], [b]) => a.localeCompare(b))) {
    const pipeline = line.slice(0, line.indexOf(' '));
    const n = (perPipeline.get(pipeline) ?? 0) + 1;
    perPipeline.set(pipeline, n);
    if (n > MAX_KEYS_PER_PIPELINE) continue;
    const window = firstWindow.get(pipeline) ?? LIVE_WINDOW;
    const parts = [...perIndicator.values()].map((v) => `${v.indicator}=${formatValue(v)}`);
    lines.push(`${line} [${window}] ${parts.join(' ')}`);
  }
  return lines;
}

/** Returns the function that stops the log. */
export function startValueLog(app: CxPulseApp, everyMs: number): () => void {
  const timer = setInterval(() => {
    for (const line of summariseValues(app.latest.all())) app.server.log.info(line);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
