/**
 * The port through which the server reads alerts and acknowledges them. The alerting stage
 * (src/alerts) will implement it; until then `InMemoryAlertStore` holds alerts fed by hand (tests,
 * the e2e wallboard run). The server only lists, acknowledges and listens for changes.
 */

export type AlertSeverity = 'warning' | 'critical';
export type AlertState = 'firing' | 'resolved';

export interface Alert {
  /** Stable id: the same alert keeps its id from firing to resolved. */
  id: string;
  /** Rule that raised it, e.g. `service-level-breach`. */
  rule: string;
  severity: AlertSeverity;
  state: AlertState;
  pipeline: string;
  indicator: string;
  window?: string;
  key: Record<string, string>;
  keyId: string;
  /** Human text for the ticker, e.g. "Service level 62 % on billing/voice (target 80 %)". */
  summary: string;
  value?: number | null;
  threshold?: number;
  /** Epoch ms. */
  startedAt: number;
  resolvedAt?: number;
  acknowledgedAt?: number;
  /** Token name (or `anonymous` on an open server) of whoever acknowledged it. */
  acknowledgedBy?: string;
}

/** A silence: alerts whose labels match every matcher are kept and shown but not notified. */
export interface SilenceView {
  id: string;
  matchers: Array<{ name: string; value: string }>;
  /** Epoch ms. */
  until: number;
  createdBy: string;
  createdAt: number;
  comment?: string;
}

/** Optional part of the port: stores that can silence (the alert engine's does). */
export interface SilenceStore {
  silence(
    matchers: Array<{ name: string; value: string }>,
    until: number,
    by: string,
    comment?: string,
  ): SilenceView;
  silences(): SilenceView[];
  expireSilence(id: string): boolean;
}

export function canSilence(store: AlertStore): store is AlertStore & SilenceStore {
  const s = store as Partial<SilenceStore>;
  return (
    typeof s.silence === 'function' &&
    typeof s.silences === 'function' &&
    typeof s.expireSilence === 'function'
  );
}

export interface AlertStore {
  /** Firing alerts first, then recently resolved ones, newest first within each. */
  list(): Alert[];
  get(id: string): Alert | undefined;
  /** Marks an alert acknowledged; returns it, or undefined when the id is unknown. Idempotent. */
  acknowledge(id: string, by: string, at?: number): Alert | undefined;
  /** Called with an alert's new state whenever it is raised, changes, resolves or is acknowledged. */
  onChange(listener: (alert: Alert) => void): () => void;
}

/** Keeps firing alerts and the `recentLimit` most recently resolved ones. */
export class InMemoryAlertStore implements AlertStore {
  private readonly alerts = new Map<string, Alert>();
  private readonly listeners = new Set<(alert: Alert) => void>();

  constructor(private readonly recentLimit = 100) {}

  /** Adds or replaces an alert (same id = same alert, new state). */
  upsert(alert: Alert): Alert {
    const previous = this.alerts.get(alert.id);
    const next: Alert = {
      ...alert,
      // Acknowledgement survives updates of the same alert.
      ...(previous?.acknowledgedAt !== undefined && alert.acknowledgedAt === undefined
        ? { acknowledgedAt: previous.acknowledgedAt, acknowledgedBy: previous.acknowledgedBy! }
        : {}),
    };
    this.alerts.set(alert.id, next);
    this.trim();
    this.emit(next);
    return next;
  }

  resolve(id: string, at = Date.now()): Alert | undefined {
    const alert = this.alerts.get(id);
    if (!alert) return undefined;
    return this.upsert({ ...alert, state: 'resolved', resolvedAt: at });
  }

  list(): Alert[] {
    const all = [...this.alerts.values()];
    const firing = all.filter((a) => a.state === 'firing').sort((a, b) => b.startedAt - a.startedAt);
    const resolved = all
      .filter((a) => a.state === 'resolved')
      .sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
    return [...firing, ...resolved];
  }

  get(id: string): Alert | undefined {
    return this.alerts.get(id);
  }

  acknowledge(id: string, by: string, at = Date.now()): Alert | undefined {
    const alert = this.alerts.get(id);
    if (!alert) return undefined;
    if (alert.acknowledgedAt !== undefined) return alert;
    const acked = { ...alert, acknowledgedAt: at, acknowledgedBy: by };
    this.alerts.set(id, acked);
    this.emit(acked);
    return acked;
  }

  onChange(listener: (alert: Alert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(alert: Alert): void {
    for (const l of this.listeners) l(alert);
  }

  private trim(): void {
    const resolved = [...this.alerts.values()].filter((a) => a.state === 'resolved');
    if (resolved.length <= this.recentLimit) return;
    resolved.sort((a, b) => (a.resolvedAt ?? 0) - (b.resolvedAt ?? 0));
    for (const a of resolved.slice(0, resolved.length - this.recentLimit)) this.alerts.delete(a.id);
  }
}
