/**
 * Prometheus Alertmanager, API v2: `POST /api/v2/alerts` with a list of
 * `{ labels, annotations, startsAt, endsAt?, generatorURL? }`. A firing alert is posted without
 * endsAt; its resolution is the same labels with endsAt set, which Alertmanager matches by label
 * set (so the labels must not change between the two, and they do not: they are fixed when the
 * alert is created). Alertmanager drops label values that are empty strings.
 *
 * Caveat: Alertmanager resolves an alert by itself `resolve_timeout` (default 5 m) after the last
 * post without endsAt. Prometheus re-sends firing alerts for that reason; we post on transitions
 * only, so a long-firing alert should be re-posted by the caller (`resend`) or the receiver's
 * resolve_timeout raised.
 */
import type { AlertTransition, Alert } from '../../alerts/alert.js';
import type { AlertNotifier } from '../../alerts/notifier.js';
import { postJson } from '../webhook/post-json.js';

export interface AlertmanagerNotifierOptions {
  /** Base URL, e.g. `http://127.0.0.1:9093`. */
  url: string;
  /** Per request; default 5 s. */
  timeoutMs?: number;
  /** Link back to CX Pulse shown by Alertmanager, e.g. the wallboard URL. */
  generatorUrl?: string;
}

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt?: string;
  generatorURL?: string;
}

/** Alertmanager label names must match [a-zA-Z_][a-zA-Z0-9_]*. */
function labelName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[a-zA-Z_]/.test(cleaned) ? cleaned : `_${cleaned}`;
}

export function toAlertmanagerAlert(alert: Alert, generatorUrl?: string): AlertmanagerAlert {
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(alert.labels)) if (value !== '') labels[labelName(name)] = value;
  const annotations: Record<string, string> = {};
  for (const [name, value] of Object.entries(alert.annotations)) annotations[labelName(name)] = value;
  annotations.alert_id = alert.id;
  return {
    labels,
    annotations,
    startsAt: new Date(alert.startsAt).toISOString(),
    ...(alert.status === 'resolved' && alert.endsAt !== undefined
      ? { endsAt: new Date(alert.endsAt).toISOString() }
      : {}),
    ...(generatorUrl !== undefined ? { generatorURL: generatorUrl } : {}),
  };
}

export function createAlertmanagerNotifier(options: AlertmanagerNotifierOptions): AlertNotifier & {
  /** Re-posts firing alerts (e.g. every minute from the caller) so Alertmanager does not time them out. */
  resend(alerts: readonly Alert[]): Promise<void>;
} {
  const endpoint = `${options.url.replace(/\/+$/, '')}/api/v2/alerts`;
  const post = (alerts: readonly Alert[]) =>
    postJson(endpoint, JSON.stringify(alerts.map((a) => toAlertmanagerAlert(a, options.generatorUrl))), {
      timeoutMs: options.timeoutMs ?? 5000,
      what: 'alertmanager',
    });
  return {
    name: 'alertmanager',
    accepts: 'notifiable',
    async send(transitions: readonly AlertTransition[]) {
      if (transitions.length > 0) await post(transitions.map((t) => t.alert));
    },
    async resend(alerts) {
      const firing = alerts.filter((a) => a.status === 'firing' && !a.silenced);
      if (firing.length > 0) await post(firing);
    },
  };
}
