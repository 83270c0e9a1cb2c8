// The wallboard's Proactive care panel (docs/analytics.md): the newest proactive notifications —
// accounts whose forecast use over the horizon reaches what they have left — from the snapshot's
// `proactiveNotifications` and the `proactiveNotification` messages (docs/websocket.md). Plain JS,
// no build step, no state outside this module.

/** Rows shown: the panel stays compact; the server keeps up to 50. */
const ROWS = 6;
const KEPT = 50;
const DAY_MS = 86_400_000;

/** id → notification. */
const notifications = new Map();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const amount = (v) => (Math.abs(v) >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(2))));

/** "in 2.7 d", "in 5 h" from the notification's time to the forecast run-out. */
function runOutText(n) {
  if (n.predictedRunOutTs === null) return 'beyond 2 horizons';
  const ms = n.predictedRunOutTs - n.ts;
  return ms >= DAY_MS
    ? `in ${(ms / DAY_MS).toFixed(1)} d`
    : `in ${Math.max(1, Math.round(ms / 3_600_000))} h`;
}

export function applyProactiveNotification(notification) {
  notifications.set(notification.id, notification);
  if (notifications.size > KEPT) {
    const oldest = [...notifications.values()].sort((a, b) => a.ts - b.ts)[0];
    notifications.delete(oldest.id);
  }
}

export function resetProactiveNotifications(list) {
  notifications.clear();
  for (const n of list) applyProactiveNotification(n);
}

/** Renders the newest notifications into `body` (a <tbody>); `empty` is shown when there are none. */
export function renderProactiveNotifications(body, empty) {
  const shown = [...notifications.values()].sort((a, b) => b.ts - a.ts).slice(0, ROWS);
  body.replaceChildren(
    ...shown.map((n) => {
      const row = el('tr', 'proactive-notification');
      row.dataset.notificationId = n.id;
      const time = new Date(n.ts).toLocaleString([], {
        day: '2-digit',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      const days = Math.round(n.horizonMs / DAY_MS);
      row.append(
        el('td', 'pn-time', time),
        el('td', 'pn-segment', n.segment || '–'),
        el('td', 'pn-series', n.series || '–'),
        el('td', 'pn-left', amount(n.remaining)),
        el('td', 'pn-forecast', `${amount(n.predictedUsage)} / ${days} d`),
        el('td', 'pn-run-out', runOutText(n)),
      );
      row.title =
        `${n.entityField} ${n.entity.slice(0, 12)}… · ${amount(n.usageNextBucket)} per bucket next · ` +
        `P(run out within ${days} d) ${Math.round(n.runOutProbability * 100)} % · ${n.historyBuckets} buckets of history`;
      return row;
    }),
  );
  empty.hidden = shown.length > 0;
}
