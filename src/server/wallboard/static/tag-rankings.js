// The wallboard's "Top tags" panel: the current tag ranking of one window (docs/analytics.md, "Tag
// rankings") for negative and for positive answers, fed by the snapshot's `tagRankings` and the
// `tagRanking` messages (docs/websocket.md). Which ranking: `?tagWindow=` (default 15m/1m),
// `?tagKey=` (a key id, default none) and `?tagPipeline=` (default the first one seen).
const params = new URLSearchParams(location.search);
const TAG_WINDOW = params.get('tagWindow') || '15m/1m';
const TAG_KEY = params.get('tagKey') || '';
const TAG_PIPELINE = params.get('tagPipeline');
const TAG_ROWS = 5;

/** polarity → the ranking shown */
const shown = new Map();
let pipeline = TAG_PIPELINE;

function wanted(r) {
  if (r.window !== TAG_WINDOW || r.keyId !== TAG_KEY) return false;
  pipeline ??= r.pipeline;
  return r.pipeline === pipeline;
}

/** Takes rankings; a snapshot (`replace`) starts over. The newer window wins, a final over an early of it. */
export function applyTagRankings(rankings, replace = false) {
  if (replace) shown.clear();
  for (const r of rankings ?? []) {
    if (!wanted(r)) continue;
    const held = shown.get(r.polarity);
    if (held && (held.windowEnd > r.windowEnd || (held.windowEnd === r.windowEnd && held.kind === 'final')))
      continue;
    shown.set(r.polarity, r);
  }
}

function percent(x) {
  return `${Math.round(x * 100)}%`;
}

function row(entry) {
  const li = document.createElement('li');
  li.className = 'tag-row';
  li.dataset.tag = entry.tag;
  const name = document.createElement('span');
  name.className = 'tag-name';
  name.textContent = entry.tag;
  const bar = document.createElement('span');
  bar.className = 'tag-bar';
  const fill = document.createElement('span');
  fill.style.width = `${Math.min(100, entry.share * 100).toFixed(1)}%`;
  bar.append(fill);
  const share = document.createElement('span');
  share.className = 'tag-share';
  // The count is an upper bound: ± says how much it may overstate (Space-Saving error).
  share.textContent =
    entry.shareError > 0 ? `${percent(entry.share)} ±${percent(entry.shareError)}` : percent(entry.share);
  li.title = `${entry.count} answers${entry.error > 0 ? ` (at least ${entry.count - entry.error})` : ''}`;
  li.append(name, bar, share);
  return li;
}

export function renderTagRankings() {
  for (const polarity of ['negative', 'positive']) {
    const r = shown.get(polarity);
    const list = document.getElementById(`tags-${polarity}`);
    const caption = document.getElementById(`tags-${polarity}-of`);
    if (!list || !caption) return;
    list.replaceChildren(...(r ? r.entries.slice(0, TAG_ROWS).map(row) : []));
    caption.textContent = r
      ? `of ${r.answers} ${polarity} answers · ${r.window}${r.kind === 'early' ? '' : ' · final'}`
      : '';
  }
  const empty = document.getElementById('no-tag-rankings');
  if (empty) empty.hidden = shown.size > 0;
}
