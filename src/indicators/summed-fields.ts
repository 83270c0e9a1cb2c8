/**
 * The numeric form (accumulator.ts, `numeric`) of an accumulator whose state is a record of numbers
 * that start at 0 and merge by adding field by field: counts, ratios, means, NPS, polarization.
 *
 * The numeric form reuses the object form's own add() and result() on one scratch object (load the
 * slots, call, store them back), so there is one definition of what an event does and the two forms
 * cannot drift apart; merge adds slot by slot in the fields' order, as the object merges do.
 * Numbers stored back unchanged keep their exact value, so results are identical, not just close.
 */
import type { IndicatorAccumulator, IndicatorResult, NumericForm, NumericSlots } from './accumulator.js';

type NumberRecord<K extends string> = Record<K, number>;

/**
 * Returns `acc` with a numeric form over `fields` (in slot order). Throws when create() does not
 * return exactly those fields, all 0: the form would then not be the same accumulator.
 */
export function withSummedFields<K extends string, S extends NumberRecord<K>>(
  acc: IndicatorAccumulator<S>,
  fields: readonly K[],
): IndicatorAccumulator<S> {
  const fresh = acc.create() as Record<string, unknown>;
  const names = Object.keys(fresh);
  if (names.length !== fields.length || fields.some((f) => fresh[f] !== 0)) {
    throw new Error(
      `indicator ${acc.name}: a summed-fields numeric form needs create() to be { ${fields.join(': 0, ')}: 0 }`,
    );
  }
  return { ...acc, numeric: summedFieldsForm(acc, fields) };
}

function summedFieldsForm<K extends string, S extends NumberRecord<K>>(
  acc: IndicatorAccumulator<S>,
  fields: readonly K[],
): NumericForm {
  const slots = fields.length;
  // add() and result() run synchronously and keep no reference to the state (result() builds a
  // new object), so one scratch object serves every call.
  const scratch = acc.create();
  const load = (buf: NumericSlots, at: number): S => {
    for (let i = 0; i < slots; i++) scratch[fields[i]!] = buf[at + i]! as S[K];
    return scratch;
  };
  const add = addFor(acc, fields, scratch, load);
  return {
    slots,
    add,
    merge(into: NumericSlots, intoAt: number, from: NumericSlots, fromAt: number): void {
      for (let i = 0; i < slots; i++) into[intoAt + i] = into[intoAt + i]! + from[fromAt + i]!;
    },
    result(buf: NumericSlots, at: number): IndicatorResult {
      return acc.result(load(buf, at));
    },
  };
}

/** add() on the hot path: unrolled for one and two fields (counts, ratios, means), a loop beyond. */
function addFor<K extends string, S extends NumberRecord<K>>(
  acc: IndicatorAccumulator<S>,
  fields: readonly K[],
  scratch: S,
  load: (buf: NumericSlots, at: number) => S,
): NumericForm['add'] {
  const slots = fields.length;
  const [f0, f1] = fields as [K, K];
  if (slots === 1) {
    return (buf, at, event) => {
      scratch[f0] = buf[at]! as S[K];
      acc.add(scratch, event);
      buf[at] = scratch[f0];
    };
  }
  if (slots === 2) {
    return (buf, at, event) => {
      scratch[f0] = buf[at]! as S[K];
      scratch[f1] = buf[at + 1]! as S[K];
      acc.add(scratch, event);
      buf[at] = scratch[f0];
      buf[at + 1] = scratch[f1];
    };
  }
  return (buf, at, event) => {
    acc.add(load(buf, at), event);
    for (let i = 0; i < slots; i++) buf[at + i] = scratch[fields[i]!];
  };
}
