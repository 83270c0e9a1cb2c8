/**
 * A compiled subscription filter: a predicate over indicator values and a canonical text form, so
 * clients with equal filters share one serialised frame per broadcast.
 */
import type { IndicatorValue } from '../../windows/indicator-value.js';
import type { SubscriptionFilter } from './protocol.js';

export interface SubscriptionMatcher {
  /** Same for equal filters, whatever their order of fields and values. */
  readonly canonical: string;
  readonly filter: SubscriptionFilter;
  matches(v: Pick<IndicatorValue, 'pipeline' | 'indicator' | 'window' | 'key'>): boolean;
}

const setOf = (list: string[] | undefined) => (list && list.length > 0 ? new Set(list) : null);

export function compileSubscription(filter: SubscriptionFilter): SubscriptionMatcher {
  const pipelines = setOf(filter.pipelines);
  const indicators = setOf(filter.indicators);
  const windows = setOf(filter.windows);
  const dims = Object.entries(filter.dims ?? {})
    .filter(([, values]) => values.length > 0)
    .map(([dim, values]) => [dim, new Set(values)] as const);
  const sorted = (list: string[] | undefined) => [...new Set(list ?? [])].sort();
  const canonical = JSON.stringify([
    sorted(filter.pipelines),
    sorted(filter.indicators),
    sorted(filter.windows),
    dims.map(([dim, values]) => [dim, [...values].sort()] as const).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
  ]);
  return {
    canonical,
    filter,
    matches(v) {
      if (pipelines && !pipelines.has(v.pipeline)) return false;
      if (indicators && !indicators.has(v.indicator)) return false;
      if (windows && !windows.has(v.window)) return false;
      for (const [dim, values] of dims) {
        const value = v.key[dim];
        if (value === undefined || !values.has(value)) return false;
      }
      return true;
    },
  };
}

/**
 * A filter from query parameters: `pipeline`, `indicator`, `window` (repeatable or comma-separated)
 * and any other parameter (except `token`) as a dimension, e.g. `?queue=billing/voice`.
 */
export function filterFromQuery(query: Record<string, string | string[] | undefined>): SubscriptionFilter {
  const list = (v: string | string[] | undefined) =>
    (Array.isArray(v) ? v : v === undefined ? [] : [v]).flatMap((s) => s.split(',')).filter((s) => s !== '');
  const filter: SubscriptionFilter = {};
  const dims: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(query)) {
    if (name === 'token') continue;
    const values = list(value);
    if (values.length === 0) continue;
    if (name === 'pipeline') filter.pipelines = values;
    else if (name === 'indicator') filter.indicators = values;
    else if (name === 'window') filter.windows = values;
    else dims[name] = values;
  }
  if (Object.keys(dims).length > 0) filter.dims = dims;
  return filter;
}
