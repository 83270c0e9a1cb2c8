/**
 * What the alert engine produces: alerts with a lifecycle (pending → firing → resolved) and the
 * transitions between those states, which notifiers and the store consume.
 */
import type { AlertSeverityName } from '../config/pipeline-definition.js';

export type AlertStatus = 'pending' | 'firing' | 'resolved';

/** Why a transition was emitted. `cancelled`: a pending alert whose condition cleared before firing. */
export type AlertChange = 'pending' | 'firing' | 'resolved' | 'cancelled' | 'flapping' | 'unsilenced';

export interface Alert {
  /** Unique per occurrence: a re-fire after resolution is a new alert with a new id. */
  id: string;
  /** `pipeline/rule|keyId`: the same condition on the same key is one alert at a time. */
  dedupKey: string;
  /** Rule name (the Alertmanager `alertname`). */
  rule: string;
  ruleType: 'threshold' | 'anomaly' | 'silence' | 'erlang-c' | 'watermelon';
  severity: AlertSeverityName;
  status: AlertStatus;
  pipeline: string;
  /** Indicator watched (`service_level` for an Erlang C prediction, `*` for a silence rule). */
  indicator: string;
  window: string;
  key: Readonly<Record<string, string>>;
  keyId: string;
  /** Alerts sharing a cause share a group, e.g. `contact-center:queue=billing/voice`. */
  group: string;
  /** pipeline, indicator, window, key dimensions, alertname, severity, group: what silences match. */
  labels: Readonly<Record<string, string>>;
  /** summary, description and rule-specific details (expected, band, detector, extra_agents, ...). */
  annotations: Readonly<Record<string, string>>;
  /** Latest observed value (or predicted service level for an Erlang C rule). */
  value: number | null;
  threshold?: number;
  /** Scheduler time (epoch ms) the condition was first seen. */
  activeAt: number;
  /** When it started firing (equal to activeAt while pending). */
  startsAt: number;
  /** When it resolved or was cancelled. */
  endsAt?: number;
  acknowledgedBy?: string;
  acknowledgedAt?: number;
  /** True while a silence matches its labels: kept and shown, not notified. */
  silenced: boolean;
  silencedBy?: string;
  /** True while resolution is held back because the key flipped too often. */
  flapping: boolean;
}

export interface AlertTransition {
  from: AlertStatus | 'inactive';
  to: AlertStatus;
  change: AlertChange;
  /** Snapshot after the transition. */
  alert: Alert;
  at: number;
}

export function dedupKeyOf(pipeline: string, rule: string, keyId: string): string {
  return `${pipeline}/${rule}|${keyId}`;
}

/**
 * A transition worth telling a notifier about: an alert starts firing, is firing again after a
 * silence ended or a flapping mark, or resolves after having fired. Pending alerts and silenced
 * ones are not notified; a resolve is always sent, so nothing stays open downstream.
 */
export function isNotifiable(t: AlertTransition): boolean {
  if (t.to === 'firing') return !t.alert.silenced;
  return t.to === 'resolved' && t.from === 'firing';
}
