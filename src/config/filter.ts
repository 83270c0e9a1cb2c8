/**
 * Structured filter predicates for pipeline definitions. Config text is data, never code:
 * a predicate is compiled into a closure tree, with no eval or Function.
 *
 * YAML forms:
 *   { field: segment, eq: vip }
 *   { field: channel, in: [voice, chat] }
 *   { field: waitMs, gte: 20000 }            (also gt, lt, lte, ne, exists)
 *   { all: [ ... ] }  { any: [ ... ] }  { not: { ... } }
 */
import type { CxEvent } from '../events/types.js';

export type Scalar = string | number | boolean;

export type FieldPredicate = {
  field: string;
  eq?: Scalar;
  ne?: Scalar;
  in?: Scalar[];
  gt?: number;
  gte?: number;
  lt?: number;
  lte?: number;
  exists?: boolean;
};

export type FilterPredicate =
  FieldPredicate | { all: FilterPredicate[] } | { any: FilterPredicate[] } | { not: FilterPredicate };

export type EventFilter = (event: CxEvent) => boolean;

/** JSON Schema of a predicate, used by the pipeline schema. */
export const FILTER_SCHEMA = {
  $id: 'cxpulse:filter',
  oneOf: [
    {
      type: 'object',
      required: ['field'],
      additionalProperties: false,
      minProperties: 2,
      properties: {
        field: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' },
        eq: { type: ['string', 'number', 'boolean'] },
        ne: { type: ['string', 'number', 'boolean'] },
        in: { type: 'array', items: { type: ['string', 'number', 'boolean'] }, minItems: 1 },
        gt: { type: 'number' },
        gte: { type: 'number' },
        lt: { type: 'number' },
        lte: { type: 'number' },
        exists: { type: 'boolean' },
      },
    },
    {
      type: 'object',
      required: ['all'],
      additionalProperties: false,
      properties: { all: { type: 'array', items: { $ref: 'cxpulse:filter' }, minItems: 1 } },
    },
    {
      type: 'object',
      required: ['any'],
      additionalProperties: false,
      properties: { any: { type: 'array', items: { $ref: 'cxpulse:filter' }, minItems: 1 } },
    },
    {
      type: 'object',
      required: ['not'],
      additionalProperties: false,
      properties: { not: { $ref: 'cxpulse:filter' } },
    },
  ],
} as const;

export function compileFilter(predicate: FilterPredicate): EventFilter {
  if ('all' in predicate) {
    const parts = predicate.all.map(compileFilter);
    return (e) => parts.every((p) => p(e));
  }
  if ('any' in predicate) {
    const parts = predicate.any.map(compileFilter);
    return (e) => parts.some((p) => p(e));
  }
  if ('not' in predicate) {
    const inner = compileFilter(predicate.not);
    return (e) => !inner(e);
  }
  return compileFieldPredicate(predicate);
}

function compileFieldPredicate(p: FieldPredicate): EventFilter {
  const field = p.field;
  const checks: Array<(v: unknown) => boolean> = [];
  if (p.exists !== undefined) {
    const want = p.exists;
    checks.push((v) => (v !== undefined && v !== null) === want);
  }
  if (p.eq !== undefined) {
    const want = p.eq;
    checks.push((v) => v === want);
  }
  if (p.ne !== undefined) {
    const want = p.ne;
    checks.push((v) => v !== want);
  }
  if (p.in !== undefined) {
    const set = new Set<unknown>(p.in);
    checks.push((v) => set.has(v) || (Array.isArray(v) && v.some((x) => set.has(x))));
  }
  if (p.gt !== undefined) {
    const bound = p.gt;
    checks.push((v) => typeof v === 'number' && v > bound);
  }
  if (p.gte !== undefined) {
    const bound = p.gte;
    checks.push((v) => typeof v === 'number' && v >= bound);
  }
  if (p.lt !== undefined) {
    const bound = p.lt;
    checks.push((v) => typeof v === 'number' && v < bound);
  }
  if (p.lte !== undefined) {
    const bound = p.lte;
    checks.push((v) => typeof v === 'number' && v <= bound);
  }
  return (e) => {
    // Own properties only: a filter must never reach the prototype chain.
    const v = Object.prototype.hasOwnProperty.call(e, field)
      ? (e as unknown as Record<string, unknown>)[field]
      : undefined;
    for (const check of checks) if (!check(v)) return false;
    return true;
  };
}
