/**
 * The alerts as they stand: active (pending and firing) alerts by dedup key, a bounded list of
 * recently resolved ones, acknowledgements and silences. The alert engine records every transition
 * here and asks it whether an alert is silenced; the server reads it through its `AlertStore` port
 * (src/server/alert-store.ts), which this class implements (pending alerts are not listed there:
 * the wallboard shows firing and resolved ones).
 *
 * Time comes from `now` (the engine's scheduler), so silences expire in virtual time in tests.
 */
import type { Alert as ServerAlert, AlertStore as ServerAlertStore } from '../server/alert-store.js';
import type { Alert, AlertTransition } from './alert.js';

/** Alertmanager-style matcher: label equals value, or matches the anchored regex when isRegex. */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex?: boolean;
}

export interface Silence {
  id: string;
  matchers: SilenceMatcher[];
  /** Epoch ms; the silence ends then. */
  until: number;
  createdBy: string;
  createdAt: number;
  comment?: string;
}

export interface MemoryAlertStoreOptions {
  /** Clock for acknowledgements and silence expiry; default Date.now. */
  now?: () => number;
  /** Resolved alerts kept for `recent()`; default 200. */
  recentLimit?: number;
}

export class MemoryAlertStore implements ServerAlertStore {
  private readonly now: () => number;
  private readonly recentLimit: number;
  private readonly activeByKey = new Map<string, Alert>();
  private readonly byId = new Map<string, Alert>();
  /** Resolved alerts, oldest first. */
  private readonly resolved: Alert[] = [];
  private readonly silenceList: Array<
    Silence & { compiled: Array<(labels: Record<string, string>) => boolean> }
  > = [];
  private readonly listeners = new Set<(alert: ServerAlert) => void>();
  private silenceSeq = 0;

  constructor(options: MemoryAlertStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.recentLimit = options.recentLimit ?? 200;
  }

  /** Applies one transition from the engine; acknowledgement survives updates of the same alert. */
  record(transition: AlertTransition): Alert {
    const previous = this.byId.get(transition.alert.id);
    const alert: Alert =
      previous?.acknowledgedAt !== undefined
        ? {
            ...transition.alert,
            acknowledgedAt: previous.acknowledgedAt,
            acknowledgedBy: previous.acknowledgedBy!,
          }
        : transition.alert;
    if (alert.status === 'resolved') {
      this.activeByKey.delete(alert.dedupKey);
      if (transition.from === 'firing') {
        this.byId.set(alert.id, alert);
        this.resolved.push(alert);
        while (this.resolved.length > this.recentLimit) this.byId.delete(this.resolved.shift()!.id);
      } else this.byId.delete(alert.id);
    } else {
      this.activeByKey.set(alert.dedupKey, alert);
      this.byId.set(alert.id, alert);
    }
    // The server never saw a pending alert, so neither it nor its cancellation is announced.
    if (alert.status === 'firing' || transition.from === 'firing') this.emit(alert);
    return alert;
  }

  /** Pending and firing alerts, newest first. */
  active(): Alert[] {
    return [...this.activeByKey.values()].sort((a, b) => b.activeAt - a.activeAt);
  }

  /** Recently resolved alerts (at most `recentLimit`), newest first. */
  recent(): Alert[] {
    return [...this.resolved].reverse();
  }

  find(id: string): Alert | undefined {
    return this.byId.get(id);
  }

  /** Active alerts by group: the ones that share a cause (same queue, same touchpoint). */
  groups(): Map<string, Alert[]> {
    const groups = new Map<string, Alert[]>();
    for (const alert of this.active()) {
      const list = groups.get(alert.group);
      if (list) list.push(alert);
      else groups.set(alert.group, [alert]);
    }
    return groups;
  }

  /** Acknowledges an alert; idempotent (the first acknowledgement is kept). */
  ack(id: string, user: string): Alert | undefined {
    const alert = this.byId.get(id);
    if (!alert) return undefined;
    if (alert.acknowledgedAt !== undefined) return alert;
    const acked: Alert = { ...alert, acknowledgedAt: this.now(), acknowledgedBy: user };
    this.byId.set(id, acked);
    if (this.activeByKey.get(alert.dedupKey)?.id === id) this.activeByKey.set(alert.dedupKey, acked);
    const index = this.resolved.findIndex((a) => a.id === id);
    if (index >= 0) this.resolved[index] = acked;
    this.emit(acked);
    return acked;
  }

  /**
   * Silences alerts whose labels match every matcher until `until` (epoch ms). The engine marks
   * matching alerts silenced at its next check and stops notifying them; when the silence expires,
   * a still-firing alert is notified again.
   */
  silence(matchers: SilenceMatcher[], until: number, by: string, comment?: string): Silence {
    if (matchers.length === 0) throw new RangeError('a silence needs at least one matcher');
    const compiled = matchers.map((m) => {
      if (!m.isRegex) return (labels: Record<string, string>) => (labels[m.name] ?? '') === m.value;
      const re = new RegExp(`^(?:${m.value})$`);
      return (labels: Record<string, string>) => re.test(labels[m.name] ?? '');
    });
    const silence: Silence = {
      id: `s${++this.silenceSeq}`,
      matchers: matchers.map((m) => ({ ...m })),
      until,
      createdBy: by,
      createdAt: this.now(),
      ...(comment !== undefined ? { comment } : {}),
    };
    this.silenceList.push({ ...silence, compiled });
    return silence;
  }

  /** Ends a silence now; false when the id is unknown or already expired. */
  expireSilence(id: string): boolean {
    const index = this.silenceList.findIndex((s) => s.id === id);
    if (index < 0) return false;
    this.silenceList.splice(index, 1);
    return true;
  }

  /** Silences still in force; expired ones are dropped. */
  silences(): Silence[] {
    this.pruneSilences();
    return this.silenceList.map(({ compiled: _compiled, ...silence }) => silence);
  }

  /** The first silence in force that matches these labels. */
  silenceFor(labels: Readonly<Record<string, string>>): Silence | undefined {
    this.pruneSilences();
    const found = this.silenceList.find((s) => s.compiled.every((match) => match(labels)));
    if (!found) return undefined;
    const { compiled: _compiled, ...silence } = found;
    return silence;
  }

  // The server's port.

  list(): ServerAlert[] {
    const firing = this.active()
      .filter((a) => a.status === 'firing')
      .sort((a, b) => b.startsAt - a.startsAt);
    return [...firing, ...this.recent()].map(toServerAlert);
  }

  get(id: string): ServerAlert | undefined {
    const alert = this.byId.get(id);
    return alert && alert.status !== 'pending' ? toServerAlert(alert) : undefined;
  }

  acknowledge(id: string, by: string): ServerAlert | undefined {
    const alert = this.ack(id, by);
    return alert ? toServerAlert(alert) : undefined;
  }

  onChange(listener: (alert: ServerAlert) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(alert: Alert): void {
    if (alert.status === 'pending' || this.listeners.size === 0) return;
    const shown = toServerAlert(alert);
    for (const listener of this.listeners) listener(shown);
  }

  private pruneSilences(): void {
    const now = this.now();
    for (let i = this.silenceList.length - 1; i >= 0; i--) {
      if (this.silenceList[i]!.until <= now) this.silenceList.splice(i, 1);
    }
  }
}

/** The server's view of an alert (firing or resolved). */
export function toServerAlert(alert: Alert): ServerAlert {
  return {
    id: alert.id,
    rule: alert.rule,
    severity: alert.severity,
    state: alert.status === 'resolved' ? 'resolved' : 'firing',
    pipeline: alert.pipeline,
    indicator: alert.indicator,
    window: alert.window,
    key: { ...alert.key },
    keyId: alert.keyId,
    summary: alert.annotations.summary ?? alert.rule,
    value: alert.value,
    ...(alert.threshold !== undefined ? { threshold: alert.threshold } : {}),
    startedAt: alert.startsAt,
    ...(alert.endsAt !== undefined ? { resolvedAt: alert.endsAt } : {}),
    ...(alert.acknowledgedAt !== undefined
      ? { acknowledgedAt: alert.acknowledgedAt, acknowledgedBy: alert.acknowledgedBy! }
      : {}),
  };
}
