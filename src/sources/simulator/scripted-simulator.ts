/**
 * The simulator plus the scenario's scripted incidents (`customer-contacts`, `tag-storm`,
 * `account-usage`): the simulator runs the scenario without them, and their events are merged into
 * each batch by time.
 * Kept outside the simulator so that a script changes nothing else: no PRNG draw, no incident
 * boundary (which would re-plan staffing), no event id taken from the simulator's sequence.
 */
import { accountUsageEvents, type AccountUsageIncident } from './account-usage.js';
import { customerContactEvents, type CustomerContactsIncident } from './customer-contacts.js';
import { tagStormEvents, type TagStormIncident } from './tag-storm.js';
import { scenarioLabels, type Incident } from './scenario.js';
import { createSimulator, type Simulator, type SimulatorOptions } from './simulator.js';
import type { CxEvent } from '../../events/types.js';

function isScripted(
  incident: Incident,
): incident is Incident & (CustomerContactsIncident | TagStormIncident | AccountUsageIncident) {
  return (
    incident.kind === 'customer-contacts' ||
    incident.kind === 'tag-storm' ||
    incident.kind === 'account-usage'
  );
}

/** createSimulator, with the scenario's scripted incidents played on top. */
export function createScenarioSimulator(options: SimulatorOptions = {}): Simulator {
  const scenario = options.scenario;
  const scripted = scenario?.incidents.filter(isScripted) ?? [];
  if (scenario === undefined || scripted.length === 0) return createSimulator(options);
  const base = createSimulator({
    ...options,
    scenario: { ...scenario, incidents: scenario.incidents.filter((i) => !isScripted(i)) },
  });
  // The simulator's own id prefix (seed and start), so two runs never share ids either.
  const idPrefix = `s${base.seed.toString(36)}.${Math.floor(base.startTs / 1000).toString(36)}-`;
  const pending = scripted
    .flatMap((incident, index) =>
      incident.kind === 'tag-storm'
        ? tagStormEvents(incident, base.startTs, idPrefix, index, base.seed)
        : incident.kind === 'account-usage'
          ? accountUsageEvents(incident, base.startTs, idPrefix, index, base.seed)
          : customerContactEvents(incident, base.startTs, idPrefix, index),
    )
    .sort((a, b) => a.ts - b.ts);
  let next = 0;
  return {
    get seed() {
      return base.seed;
    },
    get startTs() {
      return base.startTs;
    },
    get now() {
      return base.now;
    },
    get plan() {
      return base.plan;
    },
    labels: () => scenarioLabels(scenario, base.startTs),
    nextBatch(untilTs) {
      const batch = base.nextBatch(untilTs);
      if (next >= pending.length || pending[next]!.ts >= untilTs) return batch;
      const due: CxEvent[] = [];
      while (next < pending.length && pending[next]!.ts < untilTs) due.push(pending[next++]!);
      return mergeByTs(batch, due);
    },
  };
}

function mergeByTs(a: CxEvent[], b: CxEvent[]): CxEvent[] {
  const out: CxEvent[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) out.push(a[i]!.ts <= b[j]!.ts ? a[i++]! : b[j++]!);
  while (i < a.length) out.push(a[i++]!);
  while (j < b.length) out.push(b[j++]!);
  return out;
}
