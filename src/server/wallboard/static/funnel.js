// The Journeys board's funnel panel (docs/analytics.md, Journey funnels): per journey, its stages
// in order with the journeys that reached and passed each one, the conversion to the next stage,
// the journeys lost there after a failure; and the touchpoints ranked by the share of journey starts
// they lost. The pipeline counts per stage (journey-funnels.yaml); the ratios between stages are
// computed here, as they need two stages' values.

const COUNTS = ['funnel_reached', 'funnel_passed', 'funnel_lost'];
/** Conversion to the next stage below this is marked: a funnel step that loses a fifth of its journeys. */
const WEAK_CONVERSION = 0.8;
const RANKED = 5;

/** seriesId → wire value, chosen by the board's own `supersedes` rule. */
const values = new Map();
let dirty = false;

export const FUNNEL_INDICATORS = COUNTS;

export function resetFunnel() {
  values.clear();
  dirty = true;
}

/** Keeps a journey-funnels value; `supersedes(v, current)` is the board's choice between windows. */
export function applyFunnelValue(v, window, supersedes) {
  if (v.window !== window || !COUNTS.includes(v.indicator) || v.key.journey === undefined) return;
  const id = `${v.indicator}|${v.keyId}`;
  const current = values.get(id);
  const expired =
    current && current.kind === 'early' && v.kind === 'final' && v.windowEnd >= current.windowEnd;
  if (!expired && !supersedes(v, current)) return;
  values.set(id, v);
  dirty = true;
}

/** journey → stageIndex → { stage, touchpoint, reached, passed, lost } */
function stagesByJourney() {
  const journeys = new Map();
  for (const v of values.values()) {
    const index = Number(v.key.stageIndex);
    if (!Number.isInteger(index)) continue;
    let stages = journeys.get(v.key.journey);
    if (!stages) journeys.set(v.key.journey, (stages = new Map()));
    let stage = stages.get(index);
    if (!stage) {
      stage = { index, stage: v.key.stage, touchpoint: v.key.touchpoint, reached: 0, passed: 0, lost: 0 };
      stages.set(index, stage);
    }
    const n = v.value ?? 0;
    if (v.indicator === 'funnel_reached') stage.reached += n;
    else if (v.indicator === 'funnel_passed') stage.passed += n;
    else stage.lost += n;
  }
  return journeys;
}

/**
 * A journey's funnel: conversion of stage i = reached(i + 1) ÷ reached(i), of the last passed ÷ reached;
 * drop-off = 1 − conversion; effect of a stage's touchpoint = lost ÷ reached(first stage).
 */
export function funnelOf(stageMap) {
  // Two keys of one stage index (a renamed stage) add up.
  const merged = new Map();
  for (const s of stageMap.values()) {
    const m = merged.get(s.index);
    if (!m) merged.set(s.index, { ...s });
    else {
      m.reached += s.reached;
      m.passed += s.passed;
      m.lost += s.lost;
    }
  }
  const stages = [...merged.values()].sort((a, b) => a.index - b.index);
  const starts = stages[0]?.reached ?? 0;
  stages.forEach((s, i) => {
    const next = stages[i + 1];
    const into = next ? next.reached : s.passed;
    s.conversion = s.reached > 0 ? into / s.reached : null;
    s.effect = starts > 0 ? s.lost / starts : null;
  });
  const last = stages[stages.length - 1];
  return {
    stages,
    starts,
    completed: last ? last.passed : 0,
    completion: starts > 0 && last ? last.passed / starts : null,
  };
}

function pct(x) {
  if (x === null || !Number.isFinite(x)) return '–';
  return `${(x * 100).toFixed(x < 0.1 ? 1 : 0)}%`;
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function journeyTable(name, funnel) {
  const table = el('table', 'funnel-table');
  table.dataset.journey = name;
  const caption = el('caption', '', '');
  caption.append(
    el('span', 'funnel-journey', name),
    el(
      'span',
      'funnel-total',
      `${funnel.starts} started · ${funnel.completed} completed (${pct(funnel.completion)})`,
    ),
  );
  table.append(caption);
  const head = el('tr');
  for (const h of ['#', 'stage', 'touchpoint', 'reached', 'passed', '→ next', 'lost'])
    head.append(el('th', '', h));
  table.append(el('thead'), el('tbody'));
  table.tHead.append(head);
  for (const s of funnel.stages) {
    const row = el('tr', 'funnel-stage');
    row.dataset.stageIndex = String(s.index);
    const bar = el('td', 'funnel-reached');
    bar.textContent = String(s.reached);
    bar.style.setProperty(
      '--share',
      funnel.starts > 0 ? String(Math.min(1, s.reached / funnel.starts)) : '0',
    );
    const conversion = el('td', 'funnel-conversion', pct(s.conversion));
    if (s.conversion !== null && s.conversion < WEAK_CONVERSION) conversion.classList.add('weak');
    row.append(
      el('td', 'funnel-index', String(s.index + 1)),
      el('td', 'funnel-name', s.stage),
      el('td', 'funnel-touchpoint', s.touchpoint),
      bar,
      el('td', '', String(s.passed)),
      conversion,
      el('td', 'funnel-lost', String(s.lost)),
    );
    table.tBodies[0].append(row);
  }
  return table;
}

/** Re-renders the panel when a value changed since the last call. */
export function renderFunnel(container, ranking, emptyNote) {
  if (!dirty) return;
  dirty = false;
  const funnels = [...stagesByJourney()]
    .map(([name, stages]) => [name, funnelOf(stages)])
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
  container.replaceChildren(...funnels.map(([name, f]) => journeyTable(name, f)));
  emptyNote.hidden = funnels.length > 0;
  const worst = funnels
    .flatMap(([name, f]) => f.stages.map((s) => ({ journey: name, ...s })))
    .filter((s) => s.effect !== null && s.lost > 0)
    .sort((a, b) => b.effect - a.effect)
    .slice(0, RANKED);
  ranking.replaceChildren(
    ...worst.map((s) => {
      const item = el('li', 'funnel-worst');
      item.dataset.touchpoint = s.touchpoint;
      item.append(
        el('span', 'worst-effect', pct(s.effect)),
        el('span', 'worst-touchpoint', s.touchpoint),
        el('span', 'worst-where', `${s.journey} · ${s.stage} · ${s.lost} lost`),
      );
      return item;
    }),
  );
  if (worst.length === 0) ranking.append(el('li', 'funnel-worst none', 'No journeys lost to failures'));
}
