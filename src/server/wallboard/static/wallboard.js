// The CX Pulse wallboard: one tile per queue (or touchpoint), fed by the /ws protocol
// (docs/websocket.md). Plain JS, no build step. Everything shown is state kept here from the
// snapshot and the updates; a reconnect brings a fresh snapshot.
import { formatAge, formatValue, worst } from './format.js';
import {
  applyProactiveNotification,
  renderProactiveNotifications,
  resetProactiveNotifications,
} from './proactive.js';
import { applyInsight, renderInsights, resetInsights } from './insights.js';
import { applyTagRankings, renderTagRankings } from './tag-rankings.js';
import { FUNNEL_INDICATORS, applyFunnelValue, renderFunnel, resetFunnel } from './funnel.js';

const params = new URLSearchParams(location.search);
const token = params.get('token');
const WINDOW = params.get('window') || '5m/10s';
const STALE_AFTER_MS = Number(params.get('staleAfter') || 15) * 1000;
const SPARK_SPAN_MS = 30 * 60 * 1000;

const BOARDS = {
  'contact-center': {
    title: 'Contact centre',
    pipeline: 'contact-center',
    dims: ['queue', 'channel'],
    name: (key) => key.queue?.split('/')[0] ?? '?',
    badge: (key) => key.channel ?? '',
    headline: { indicator: 'service_level', window: WINDOW, label: 'Service level' },
    // Cells marked `tile` colour the whole tile; the others (survey scores, noisy on small samples,
    // and capacity) colour only their own cell.
    metrics: [
      { tile: true, indicator: 'asa_seconds', window: WINDOW, label: 'ASA' },
      { tile: true, indicator: 'contacts_in_queue', window: 'live', label: 'In queue' },
      { tile: true, indicator: 'oldest_wait_seconds', window: 'live', label: 'Oldest wait' },
      { tile: true, indicator: 'abandonment_rate', window: WINDOW, label: 'Abandoned' },
      { indicator: 'csat', window: '15m/1m', label: 'CSAT' },
      { indicator: 'nps', window: '15m/1m', label: 'NPS' },
      { indicator: 'experience_index', window: WINDOW, label: 'Experience' },
      { indicator: 'agents_available', window: 'live', label: 'Agents' },
    ],
  },
  // Per journey: completion, duration and satisfaction; under the tiles the funnel of each journey
  // (journey-funnels pipeline) and the touchpoints that lose the most journeys (funnel.js).
  journeys: {
    title: 'Journeys',
    pipeline: 'journey-outcomes',
    dims: ['journey'],
    name: (key) => key.journey ?? '?',
    badge: () => 'journey',
    headline: { indicator: 'journey_completion_rate', window: '15m/1m', label: 'Completion (15 min)' },
    metrics: [
      { tile: true, indicator: 'journey_duration_seconds', window: '15m/1m', label: 'Duration p50' },
      { tile: true, indicator: 'journey_csat', window: '15m/1m', label: 'CSAT' },
      { indicator: 'journey_completion_rate', window: '1h/5m', label: 'Completion 1 h' },
    ],
    funnel: { pipeline: 'journey-funnels', window: '15m/1m' },
  },
  digital: {
    title: 'Digital touchpoints',
    pipeline: 'digital-journeys',
    dims: ['journey', 'touchpoint'],
    name: (key) => key.touchpoint ?? '?',
    badge: (key) => key.journey ?? '',
    headline: { indicator: 'touchpoint_failure_rate', window: WINDOW, label: 'Failure rate' },
    metrics: [
      { indicator: 'touchpoint_latency_ms', window: WINDOW, label: 'p50', quantile: 'p50' },
      { tile: true, indicator: 'touchpoint_latency_ms', window: WINDOW, label: 'p90', quantile: 'p90' },
      { indicator: 'touchpoint_latency_ms', window: WINDOW, label: 'p99', quantile: 'p99' },
      { indicator: 'touchpoint_failure_rate_app', window: WINDOW, label: 'App fail' },
    ],
  },
  // Its own windows: social posts are sparse, and the surge rule judges the 2-minute pressure.
  'public-opinion': {
    title: 'Public opinion',
    pipeline: 'public-opinion',
    dims: ['touchpoint'],
    name: (key) => key.touchpoint ?? '?',
    badge: () => 'social',
    // Pressure has no fixed target (the surge rule compares each topic with its own past): the
    // sparkline shows its shape, the tile's colour comes from the negative share.
    headline: { indicator: 'opinion_pressure', window: '2m/15s', label: 'Opinion pressure (2 min)' },
    metrics: [
      { tile: true, indicator: 'negative_feedback_share', window: '15m/1m', label: 'Negative' },
      { indicator: 'sentiment', window: '15m/1m', label: 'Sentiment' },
      { indicator: 'opinion_pressure', window: '15m/1m', label: 'Pressure 15 min' },
    ],
  },
  // Per team, never per agent: the pipeline has no agent dimension.
  'employee-experience': {
    title: 'Employee experience',
    pipeline: 'employee-experience',
    dims: ['team'],
    name: (key) => key.team ?? '?',
    badge: () => 'team',
    headline: { indicator: 'time_weighted_occupancy', window: '15m/1m', label: 'Occupancy' },
    metrics: [
      { tile: true, indicator: 'overload_streak_share', window: '15m/1m', label: 'Past 30 min' },
      { tile: true, indicator: 'after_contact_work_seconds', window: '15m/1m', label: 'Wrap-up' },
      { indicator: 'time_weighted_occupancy', window: '1h/5m', label: 'Occupancy 1 h' },
    ],
  },
};

const board = BOARDS[params.get('board') || 'contact-center'] ?? BOARDS['contact-center'];

const state = {
  /** seriesId → newest wire value */
  values: new Map(),
  /** keyId → tile model */
  tiles: new Map(),
  /** indicator name → { unit, target } of the board's pipeline */
  catalog: new Map(),
  alerts: new Map(),
  /** id → work order, the server's recent ones (snapshot) plus those pushed since */
  workOrders: new Map(),
  role: 'viewer',
  dirty: new Set(),
};

const $ = (id) => document.getElementById(id);
$('board-title').textContent = board.title;
$('funnel').hidden = !board.funnel;
$('window-label').textContent = `window ${board.headline.window}`;
document.title = `CX Pulse — ${board.title}`;

function subscription() {
  const indicators = [board.headline, ...board.metrics].map((m) => m.indicator);
  const windows = [board.headline, ...board.metrics].map((m) => m.window);
  if (board.funnel) {
    indicators.push(...FUNNEL_INDICATORS);
    windows.push(board.funnel.window);
  }
  const dims = {};
  for (const dim of board.dims) {
    const wanted = params
      .getAll(dim)
      .flatMap((v) => v.split(','))
      .filter(Boolean);
    if (wanted.length > 0) dims[dim] = wanted;
  }
  return {
    pipelines: board.funnel ? [board.pipeline, board.funnel.pipeline] : [board.pipeline],
    indicators: [...new Set(indicators)],
    windows: [...new Set(windows)],
    dims,
  };
}

// ---- state --------------------------------------------------------------------------------------

const seriesId = (v) => `${v.indicator}|${v.window}|${v.keyId}`;

/**
 * Which value a series shows. A hopping window has many open windows at once and each fires early;
 * the one that describes "the last 5 minutes" is the open window that ends first (the newest ones
 * hold only a few seconds of data). So: the latest final, replaced by the earliest-ending open window
 * after it; live gauges simply take the newest reading.
 */
function supersedes(v, current) {
  if (!current) return true;
  if (v.window === 'live') return v.windowEnd >= current.windowEnd;
  if (v.kind === 'final') {
    if (current.kind === 'final')
      return (
        v.windowEnd > current.windowEnd || (v.windowEnd === current.windowEnd && v.version >= current.version)
      );
    return v.windowEnd >= current.windowEnd;
  }
  if (current.kind === 'final') return v.windowEnd > current.windowEnd;
  // Both early: the same window again, or one that ends sooner (and so covers more of the recent past).
  return v.windowEnd <= current.windowEnd;
}

function applyValue(v, receivedAt) {
  if (board.funnel && v.pipeline === board.funnel.pipeline) {
    applyFunnelValue(v, board.funnel.window, supersedes);
    return;
  }
  if (v.pipeline !== board.pipeline) return;
  const name = v.key[board.dims[0]];
  if (name === undefined || name === '-') return;
  const tile = tileFor(v);
  // Freshness means "new events arrived for this key". Early firings are sent only for keys that got
  // events since the last firing, so they say exactly that; live gauges tick every second and finals
  // close windows whether or not events still come, so neither counts (finals only stand in while a
  // pipeline sends no early firings at all).
  if (v.window !== 'live' && (v.kind === 'early' || !tile.sawEarly)) {
    tile.updatedAt = Math.max(tile.updatedAt, receivedAt);
  }
  if (v.kind === 'early' && v.window !== 'live') tile.sawEarly = true;
  state.dirty.add(tile.keyId);
  const id = seriesId(v);
  const current = state.values.get(id);
  // An early window that has since closed gives way to the next one, whatever its end.
  const expired =
    current &&
    current.kind === 'early' &&
    current.window !== 'live' &&
    v.kind === 'final' &&
    v.windowEnd >= current.windowEnd;
  if (!expired && !supersedes(v, current)) return;
  state.values.set(id, v);
  if (v.indicator === board.headline.indicator && v.window === board.headline.window && v.value !== null) {
    addSparkPoint(tile, v.windowEnd, v.value);
  }
}

function addSparkPoint(tile, t, value) {
  const points = tile.spark;
  const last = points[points.length - 1];
  if (last && last.t === t) last.v = value;
  else if (!last || t > last.t) points.push({ t, v: value });
  else {
    // An earlier-ending window replaced a later one (see supersedes): keep the line monotonic.
    const at = points.findIndex((p) => p.t >= t);
    if (points[at].t === t) points[at].v = value;
    else points.splice(at, 0, { t, v: value });
  }
  const from = points[points.length - 1].t - SPARK_SPAN_MS;
  while (points.length > 0 && points[0].t < from) points.shift();
}

function tileFor(v) {
  let tile = state.tiles.get(v.keyId);
  if (!tile) {
    tile = { keyId: v.keyId, key: v.key, spark: [], updatedAt: 0, sawEarly: false, el: null };
    state.tiles.set(v.keyId, tile);
  }
  return tile;
}

// ---- rendering ----------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function buildTile(tile) {
  const root = el('section', 'tile');
  root.dataset.key = tile.keyId;
  const head = el('header', 'tile-head');
  head.append(el('h2', 'tile-name', board.name(tile.key)), el('span', 'badge', board.badge(tile.key)));
  const main = el('div', 'tile-main');
  const headline = el('div', 'headline');
  headline.append(el('span', 'headline-value', '–'), el('span', 'headline-label', board.headline.label));
  const spark = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  spark.setAttribute('class', 'spark');
  spark.setAttribute('viewBox', '0 0 200 60');
  spark.setAttribute('preserveAspectRatio', 'none');
  spark.innerHTML =
    '<line class="spark-target" x1="0" x2="200" /><polyline class="spark-line" fill="none" points="" />';
  main.append(headline, spark);
  const grid = el('dl', 'metrics');
  for (const m of board.metrics) {
    const cell = el('div', 'metric');
    cell.append(el('dt', '', m.label), el('dd', '', '–'));
    grid.append(cell);
  }
  const foot = el('footer', 'tile-foot');
  foot.append(el('span', 'fresh', ''));
  root.append(head, main, grid, foot);
  tile.el = root;
  return root;
}

function valueOf(m, tile) {
  const v = state.values.get(`${m.indicator}|${m.window}|${tile.keyId}`);
  if (!v) return { text: '–', status: null };
  const unit = state.catalog.get(m.indicator)?.unit;
  const raw = m.quantile ? (v.quantiles?.[m.quantile] ?? null) : v.value;
  // A quantile has no target of its own; the indicator's status applies to its headline quantile only.
  return {
    text: formatValue(raw, unit, m.indicator),
    status: m.quantile && m.quantile !== 'p90' ? null : v.status,
  };
}

function renderTile(tile) {
  const root = tile.el ?? insertTile(tile);
  let status = null;
  const head = valueOf(board.headline, tile);
  status = worst(status, head.status);
  const headlineValue = root.querySelector('.headline-value');
  headlineValue.textContent = head.text;
  headlineValue.dataset.status = head.status ?? 'none';
  const cells = root.querySelectorAll('.metric');
  board.metrics.forEach((m, i) => {
    const { text, status: s } = valueOf(m, tile);
    if (m.tile) status = worst(status, s);
    const dd = cells[i].querySelector('dd');
    dd.textContent = text;
    cells[i].dataset.status = s ?? 'none';
  });
  root.classList.remove('status-ok', 'status-warn', 'status-breach', 'status-none');
  root.classList.add(`status-${status ?? 'none'}`);
  // Read by the e2e tests and handy when debugging a board from the console.
  root.dataset.updatedAt = String(tile.updatedAt);
  renderSpark(root, tile);
}

function renderSpark(root, tile) {
  const points = tile.spark;
  const line = root.querySelector('.spark-line');
  const targetLine = root.querySelector('.spark-target');
  const meta = state.catalog.get(board.headline.indicator);
  const [lo, hi] = meta?.range ?? [0, Math.max(1, ...points.map((p) => p.v))];
  const y = (v) => (60 - ((Math.min(hi, Math.max(lo, v)) - lo) / (hi - lo || 1)) * 56 - 2).toFixed(1);
  if (points.length === 0) {
    line.setAttribute('points', '');
  } else {
    const t1 = points[points.length - 1].t;
    const t0 = t1 - SPARK_SPAN_MS;
    line.setAttribute(
      'points',
      points.map((p) => `${(((p.t - t0) / SPARK_SPAN_MS) * 200).toFixed(1)},${y(p.v)}`).join(' '),
    );
  }
  // The pipeline-wide target; per-key overrides show in the value's status colour. A headline
  // without a target (opinion pressure: judged against its own past) draws no line at all.
  const target = meta?.target;
  targetLine.style.display = target ? '' : 'none';
  if (target) {
    targetLine.setAttribute('y1', y(target.warn));
    targetLine.setAttribute('y2', y(target.warn));
  }
}

function insertTile(tile) {
  const root = buildTile(tile);
  const container = $('tiles');
  const after = [...container.children].find((c) => c.dataset.key > tile.keyId);
  container.insertBefore(root, after ?? null);
  $('empty').hidden = true;
  return root;
}

function renderFreshness() {
  const now = Date.now();
  for (const tile of state.tiles.values()) {
    if (!tile.el) continue;
    const age = now - tile.updatedAt;
    const stale = age > STALE_AFTER_MS;
    tile.el.classList.toggle('stale', stale);
    tile.el.querySelector('.fresh').textContent = stale
      ? `stale · ${formatAge(age)}`
      : `updated ${formatAge(age)}`;
  }
  $('clock').textContent = new Date(now).toLocaleTimeString([], {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  renderAlertAges(now);
}

let frameRequested = false;
function scheduleRender() {
  if (frameRequested) return;
  frameRequested = true;
  // A hidden tab gets no animation frames; a timer keeps the DOM current for tests and screenshots.
  const run = () => {
    if (!frameRequested) return;
    frameRequested = false;
    for (const keyId of state.dirty) {
      const tile = state.tiles.get(keyId);
      if (tile) renderTile(tile);
    }
    state.dirty.clear();
    if (board.funnel) renderFunnel($('funnel-journeys'), $('funnel-worst'), $('no-funnel'));
  };
  requestAnimationFrame(run);
  setTimeout(run, 250);
}

// ---- alerts -------------------------------------------------------------------------------------

function applyAlert(alert) {
  if (alert.state === 'resolved') state.alerts.delete(alert.id);
  else state.alerts.set(alert.id, alert);
  renderAlerts();
}

function renderAlerts() {
  const list = $('alerts');
  list.replaceChildren();
  const alerts = [...state.alerts.values()].sort((a, b) =>
    a.severity === b.severity ? b.startedAt - a.startedAt : a.severity === 'critical' ? -1 : 1,
  );
  for (const alert of alerts) {
    const item = el('li', `alert severity-${alert.severity}`);
    item.dataset.alertId = alert.id;
    item.append(el('span', 'sev', alert.severity === 'critical' ? 'CRITICAL' : 'WARNING'));
    item.append(el('span', 'summary', alert.summary));
    const age = el('span', 'age', '');
    age.dataset.since = String(alert.startedAt);
    item.append(age);
    if (alert.acknowledgedAt !== undefined) {
      item.classList.add('acknowledged');
      item.append(el('span', 'acked', `✓ acknowledged by ${alert.acknowledgedBy ?? 'someone'}`));
    } else if (state.role === 'operator') {
      const button = el('button', 'ack', 'Acknowledge');
      button.type = 'button';
      button.addEventListener('click', () => acknowledge(alert.id, button));
      item.append(button);
    }
    list.append(item);
  }
  $('no-alerts').hidden = alerts.length > 0;
  renderAlertAges(Date.now());
}

function renderAlertAges(now) {
  for (const age of document.querySelectorAll('.alert .age')) {
    age.textContent = `since ${formatAge(now - Number(age.dataset.since)).replace(' ago', '')}`;
  }
}

async function acknowledge(id, button) {
  button.disabled = true;
  button.textContent = 'Acknowledging…';
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  try {
    const response = await fetch(`/api/alerts/${encodeURIComponent(id)}/ack`, { method: 'POST', headers });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    applyAlert((await response.json()).alert);
  } catch (err) {
    button.disabled = false;
    button.textContent = `Retry (${err.message})`;
  }
}

// ---- work orders --------------------------------------------------------------------------------

/** Rows shown: the panel stays compact under the tiles; the server keeps up to 50. */
const WORK_ORDER_ROWS = 6;
const WORK_ORDER_KEPT = 50;
const CAUSE_LABELS = {
  abandons: 'abandons',
  failedTouchpoints: 'failed touchpoints',
  negativeAnswers: 'negative answers',
  longWaits: 'long waits',
  repeatContacts: 'repeat contacts',
};

function applyWorkOrder(order) {
  state.workOrders.set(order.id, order);
  if (state.workOrders.size > WORK_ORDER_KEPT) {
    const oldest = [...state.workOrders.values()].sort((a, b) => a.ts - b.ts)[0];
    state.workOrders.delete(oldest.id);
  }
}

/** The counts that are not zero, the cause's own first, e.g. "abandons 3/3 · long waits 3". */
function evidenceText(order) {
  const parts = [
    `${CAUSE_LABELS[order.cause] ?? order.cause} ${order.evidence[order.cause]}/${order.threshold}`,
  ];
  for (const [cause, count] of Object.entries(order.evidence)) {
    if (cause !== order.cause && count > 0) parts.push(`${CAUSE_LABELS[cause] ?? cause} ${count}`);
  }
  return parts.join(' · ');
}

function renderWorkOrders() {
  const body = $('work-orders');
  const orders = [...state.workOrders.values()].sort((a, b) => b.ts - a.ts).slice(0, WORK_ORDER_ROWS);
  body.replaceChildren(
    ...orders.map((order) => {
      const row = el('tr', `work-order segment-${order.segment}`);
      row.dataset.workOrderId = order.id;
      const time = new Date(order.ts).toLocaleTimeString([], {
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      row.append(
        el('td', 'wo-time', time),
        el('td', 'wo-segment', order.segment),
        el('td', 'wo-cause', CAUSE_LABELS[order.cause] ?? order.cause),
        el('td', 'wo-owner', order.ownerTeam),
        el('td', 'wo-evidence', evidenceText(order)),
      );
      return row;
    }),
  );
  $('no-work-orders').hidden = orders.length > 0;
}

// ---- connection ---------------------------------------------------------------------------------

let attempt = 0;

function setConnection(kind, text) {
  const conn = $('conn');
  conn.className = `conn ${kind}`;
  $('conn-text').textContent = text;
  document.body.classList.toggle('offline', kind !== 'live');
}

function connect() {
  const url = new URL('/ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  if (token) url.searchParams.set('token', token);
  // The subscription rides on the URL, so the first snapshot is already ours (no second one).
  const filter = subscription();
  for (const p of filter.pipelines) url.searchParams.append('pipeline', p);
  for (const i of filter.indicators) url.searchParams.append('indicator', i);
  for (const w of filter.windows) url.searchParams.append('window', w);
  for (const [dim, values] of Object.entries(filter.dims))
    for (const v of values) url.searchParams.append(dim, v);
  setConnection('connecting', attempt === 0 ? 'connecting…' : 'reconnecting…');
  const socket = new WebSocket(url);
  socket.addEventListener('open', () => {
    attempt = 0;
  });
  socket.addEventListener('message', (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    onMessage(message);
  });
  socket.addEventListener('close', () => {
    // Exponential backoff with jitter: 0.5 s, 1 s, 2 s … at most 10 s.
    const delay = Math.min(10_000, 500 * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    setConnection('offline', `offline · retry in ${Math.ceil(delay / 1000)} s`);
    setTimeout(connect, delay);
  });
}

function onMessage(message) {
  const now = Date.now();
  switch (message.type) {
    case 'snapshot': {
      document.body.dataset.snapshots = String(Number(document.body.dataset.snapshots ?? 0) + 1);
      state.role = message.role;
      state.catalog.clear();
      for (const p of message.pipelines) {
        if (p.name !== board.pipeline) continue;
        for (const i of p.indicators) state.catalog.set(i.name, i);
      }
      // A snapshot (first connect, reconnect) replaces every value; sparklines keep their history.
      state.values.clear();
      resetFunnel();
      for (const v of message.values) applyValue(v, now);
      state.alerts.clear();
      for (const a of message.alerts) state.alerts.set(a.id, a);
      renderAlerts();
      state.workOrders.clear();
      for (const o of message.workOrders ?? []) applyWorkOrder(o);
      renderWorkOrders();
      resetProactiveNotifications(message.proactiveNotifications ?? []);
      renderProactiveNotifications($('proactive-notifications'), $('no-proactive-notifications'));
      resetInsights(message.insights ?? []);
      renderInsights($('insights'), $('no-insights'));
      applyTagRankings(message.tagRankings, true);
      renderTagRankings();
      for (const tile of state.tiles.values()) state.dirty.add(tile.keyId);
      setConnection('live', 'live');
      scheduleRender();
      break;
    }
    case 'indicators':
      for (const v of message.values) applyValue(v, now);
      scheduleRender();
      break;
    case 'alert':
      applyAlert(message.alert);
      break;
    case 'workOrder':
      // Counted for the e2e test, which checks that a work order arrived live, not in a snapshot.
      document.body.dataset.workOrderMessages = String(
        Number(document.body.dataset.workOrderMessages ?? 0) + 1,
      );
      applyWorkOrder(message.workOrder);
      renderWorkOrders();
      break;
    case 'tagRanking':
      applyTagRankings(message.rankings);
      renderTagRankings();
      break;
    case 'insight':
      // Counted for the e2e test, which checks that an insight arrived live, not in a snapshot.
      document.body.dataset.insightMessages = String(Number(document.body.dataset.insightMessages ?? 0) + 1);
      applyInsight(message.insight);
      renderInsights($('insights'), $('no-insights'));
      break;
    case 'proactiveNotification':
      // Counted for the e2e test, which checks that a notification arrived live, not in a snapshot.
      document.body.dataset.proactiveNotificationMessages = String(
        Number(document.body.dataset.proactiveNotificationMessages ?? 0) + 1,
      );
      applyProactiveNotification(message.notification);
      renderProactiveNotifications($('proactive-notifications'), $('no-proactive-notifications'));
      break;
    case 'error':
      console.warn('wallboard: server error', message.code, message.message);
      break;
  }
}

setInterval(renderFreshness, 1000);
renderFreshness();
connect();
