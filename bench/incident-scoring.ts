/**
 * Scores alert transitions against the simulator's ground-truth incidents (`Simulator.labels()`):
 * how long after an incident's start the first matching alert fired, which incidents were missed,
 * and which firings belong to no incident (false alerts). Pure: the incidents benchmark
 * (`incidents.bench.ts`) produces the inputs, a unit test pins the rules on hand-made transitions.
 *
 * Detection means a transition to `firing` (not `pending`: a pending alert is never notified), at
 * or after the incident's start and no later than its end plus a grace period, whose labels point at
 * the incident's target:
 *
 * | incident kind                               | a matching alert                                     |
 * | ------------------------------------------- | ---------------------------------------------------- |
 * | understaffing (target: queues, `a,b`)       | label `queue` is one of them, or (no `queue` label) label `team` is a team serving one of them |
 * | touchpoint-outage, latency-degradation      | label `touchpoint` is the touchpoint                 |
 * | social-surge (target: topic)                | pipeline `voice-of-customer` or `public-opinion`, `touchpoint` or `topic` is the topic |
 * | silent-feed (target: queue or event types)  | a silence rule: pipeline-wide, or its `queue` is the target |
 * | journey-handoff (target: `journey/afterStage`) | label `journey` is the journey, no `touchpoint` label (a journey-level alert) |
 *
 * A firing that matches no incident within [start, end + grace] is a false alert, whatever caused it
 * (knock-on effects on other queues or touchpoints count too: nobody labelled them).
 */
import type { AlertTransition } from '../src/alerts/alert.js';
import { TEAMS } from '../src/sources/simulator/model.js';
import type { IncidentLabel } from '../src/sources/simulator/scenario.js';

/** How long after an incident's end an alert still counts as detecting it (the 2 minutes). */
export const DEFAULT_GRACE_MS = 120_000;

const DAY_MS = 86_400_000;
const VOICE_OF_CUSTOMER = 'voice-of-customer';
const PUBLIC_OPINION = 'public-opinion';

/** The simulator's teams whose skills include one of the queues (understaffing sends their agents away). */
function teamsServing(queues: readonly string[]): string[] {
  return TEAMS.filter((t) => t.queues.some((q) => queues.includes(q))).map((t) => t.name);
}

/** The part of a firing transition the scoring needs. */
export interface Firing {
  /** Scheduler time of the transition (event time in the benchmark), epoch ms. */
  at: number;
  pipeline: string;
  rule: string;
  ruleType: AlertTransition['alert']['ruleType'];
  keyId: string;
  labels: Readonly<Record<string, string>>;
}

export interface IncidentScore {
  incident: IncidentLabel;
  detected: boolean;
  /** Seconds from the incident's start to the first matching firing; null when missed. */
  detectSeconds: number | null;
  /** The alert that detected it: `pipeline/rule|keyId`. */
  detectedBy: string | null;
}

export interface RunScore {
  incidents: IncidentScore[];
  /** Firings attributable to no incident, in time order. */
  falseAlerts: Firing[];
  /** False alerts per pipeline (every given pipeline present, 0 when none). */
  falseAlertsByPipeline: Record<string, number>;
  spanMs: number;
}

export interface ScoreOptions {
  incidents: readonly IncidentLabel[];
  firings: readonly Firing[];
  runStartTs: number;
  runEndTs: number;
  /** Pipelines to report false alerts for, including those that raised none. */
  pipelines: readonly string[];
  graceMs?: number;
}

/** Transitions into `firing` (a new alert occurrence), in time order. */
export function firingsOf(transitions: readonly AlertTransition[]): Firing[] {
  return transitions
    .filter((t) => t.change === 'firing' && t.from !== 'firing')
    .map((t) => ({
      at: t.at,
      pipeline: t.alert.pipeline,
      rule: t.alert.rule,
      ruleType: t.alert.ruleType,
      keyId: t.alert.keyId,
      labels: t.alert.labels,
    }))
    .sort((a, b) => a.at - b.at);
}

/** Whether the firing's labels point at the incident's target (times not considered). */
export function matchesIncident(firing: Firing, incident: IncidentLabel): boolean {
  const labels = firing.labels;
  switch (incident.kind) {
    case 'understaffing': {
      const queues = incident.target.split(',');
      if (labels.queue !== undefined) return queues.includes(labels.queue);
      // An employee-experience alert names the team whose agents were sent away.
      return labels.team !== undefined && teamsServing(queues).includes(labels.team);
    }
    case 'touchpoint-outage':
    case 'latency-degradation':
      return labels.touchpoint === incident.target;
    case 'social-surge':
      return (
        (firing.pipeline === VOICE_OF_CUSTOMER || firing.pipeline === PUBLIC_OPINION) &&
        (labels.touchpoint === incident.target || labels.topic === incident.target)
      );
    case 'silent-feed':
      // A pipeline-wide silence has no key dimensions; a per-key one names its queue.
      return (
        firing.ruleType === 'silence' && (labels.queue === undefined || labels.queue === incident.target)
      );
    case 'overstaffing':
    case 'survey-campaign':
      // Spare agents and more survey answers hurt nobody: they set up insights, never an alert.
      return false;
    case 'customer-contacts':
      // One customer's bad day raises a work order (src/analytics/at-risk), never an alert.
      return false;
    case 'account-usage':
      // An account heading for zero balance gets a proactive-care notification, never an alert.
      return false;
    case 'tag-storm':
      // Shows in the tag rankings; a negative-feedback alert on its topic is a true detection too.
      return (
        firing.pipeline === VOICE_OF_CUSTOMER &&
        labels.touchpoint === incident.target.slice(0, incident.target.indexOf('/'))
      );
    case 'journey-handoff':
      // Customers lost between two green touchpoints: only a journey-level alert (the watermelon
      // rule) can see it; its labels name the journey and no touchpoint.
      return (
        labels.journey === incident.target.slice(0, incident.target.indexOf('/')) &&
        labels.touchpoint === undefined
      );
  }
}

function endOf(incident: IncidentLabel, runEndTs: number): number {
  return Math.min(incident.endTs ?? runEndTs, runEndTs);
}

export function scoreRun(options: ScoreOptions): RunScore {
  const grace = options.graceMs ?? DEFAULT_GRACE_MS;
  const incidents = options.incidents.filter((i) => i.startTs < options.runEndTs);
  const within = (f: Firing, i: IncidentLabel) =>
    f.at >= i.startTs && f.at <= endOf(i, options.runEndTs) + grace && matchesIncident(f, i);
  const firings = [...options.firings].sort((a, b) => a.at - b.at);

  const scores: IncidentScore[] = incidents.map((incident) => {
    const first = firings.find((f) => within(f, incident));
    return first
      ? {
          incident,
          detected: true,
          detectSeconds: (first.at - incident.startTs) / 1000,
          detectedBy: `${first.pipeline}/${first.rule}|${first.keyId}`,
        }
      : { incident, detected: false, detectSeconds: null, detectedBy: null };
  });

  const falseAlerts = firings.filter((f) => !incidents.some((i) => within(f, i)));
  const falseAlertsByPipeline: Record<string, number> = {};
  for (const p of options.pipelines) falseAlertsByPipeline[p] = 0;
  for (const f of falseAlerts)
    falseAlertsByPipeline[f.pipeline] = (falseAlertsByPipeline[f.pipeline] ?? 0) + 1;
  return {
    incidents: scores,
    falseAlerts,
    falseAlertsByPipeline,
    spanMs: options.runEndTs - options.runStartTs,
  };
}

/** `count` alerts over `spanMs` of simulated time, scaled to one simulated day. */
export function perDay(count: number, spanMs: number): number {
  if (spanMs <= 0) throw new RangeError('span must be positive');
  return (count * DAY_MS) / spanMs;
}
