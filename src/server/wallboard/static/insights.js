// The wallboard's Insights panel (docs/analytics.md): the channel diversion suggestions that hold
// now and the latest driver analysis per survey score, from the snapshot's `insights` and the
// `insight` messages (docs/websocket.md). Plain JS, no build step, no state outside this module.

/** Driver entries shown per score. */
const DRIVER_ROWS = 3;

/** id → insight; a report replaces the earlier one of its series, a resolution its suggestion. */
const insights = new Map();

const pct = (share) => `${Math.round(share * 100)} %`;
const num = (v) =>
  v === null || v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(2)));

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function series(i) {
  return `${i.pipeline}\u0000${i.kind}\u0000${i.key}`;
}

/** Keeps the newest insight of each series (a diversion pair, a report's score). */
export function applyInsight(insight) {
  for (const [id, kept] of insights) {
    if (series(kept) === series(insight) && kept.ts <= insight.ts) insights.delete(id);
  }
  if (![...insights.values()].some((i) => series(i) === series(insight) && i.ts > insight.ts)) {
    insights.set(insight.id, insight);
  }
}

export function resetInsights(list) {
  insights.clear();
  // Oldest first, so each series ends on its newest.
  for (const i of [...list].sort((a, b) => a.ts - b.ts)) applyInsight(i);
}

function diversionRow(i) {
  const d = i.details;
  const row = el('li', 'insight diversion');
  row.dataset.insightId = i.id;
  row.append(
    el('span', 'in-kind', 'Divert'),
    el('span', 'in-subject', `${d.fromQueue} → ${d.toQueue}`),
    el('span', 'in-value', `${Math.round(d.contactsPerHour)}/h`),
    el(
      'span',
      'in-detail',
      `${d.fromQueue} ${pct(d.fromServiceLevelNow)} → ${pct(d.fromServiceLevelAfter)} (target ${pct(d.fromTarget)}) · ` +
        `${d.toQueue} ${pct(d.toServiceLevelNow)} → ${pct(d.toServiceLevelAfter)}`,
    ),
  );
  row.title = i.summary;
  return row;
}

function driverRow(i) {
  const d = i.details;
  const row = el('li', `insight drivers${d.driverTouchpoints.length > 0 ? ' has-driver' : ''}`);
  row.dataset.insightId = i.id;
  row.append(el('span', 'in-kind', `${d.score.toUpperCase()} drivers`));
  if (d.drivers.length === 0) {
    row.append(el('span', 'in-detail', `not enough linked answers yet (${d.answers} answers)`));
  } else {
    for (const e of d.drivers.slice(0, DRIVER_ROWS)) {
      const cell = el('span', `in-driver${e.driver ? ' driver' : ''}`);
      cell.append(
        el('span', 'in-subject', e.touchpoint),
        el('span', 'in-detail', ` r ${num(e.r)} · ${num(e.effect)} pts · n ${e.n}`),
      );
      cell.title = `failures ${e.failures}/${e.n}, r in [${num(e.rLow)}, ${num(e.rHigh)}], p ${num(e.pValue)}, impact ${num(e.impact)} points`;
      row.append(cell);
    }
  }
  row.title = i.summary;
  return row;
}

/** Renders the panel into `list` (a <ul>); `empty` is shown when there is nothing to say. */
export function renderInsights(list, empty) {
  const shown = [...insights.values()]
    .filter((i) => i.state !== 'resolved')
    // Suggestions first (they ask for action), then reports by score.
    .sort((a, b) =>
      a.kind === b.kind ? a.key.localeCompare(b.key) : a.kind === 'channel-diversion' ? -1 : 1,
    );
  list.replaceChildren(
    ...shown.map((i) => (i.kind === 'channel-diversion' ? diversionRow(i) : driverRow(i))),
  );
  empty.hidden = shown.length > 0;
}
