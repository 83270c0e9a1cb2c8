/**
 * The `customer-contacts` incident: one named customer's scripted contacts, good or bad, laid over
 * the simulated traffic. It exists to show the at-risk work orders end to end ("a VIP with three
 * bad contacts in a day", scenarios/vip-bad-day.yaml) next to a healthy twin
 * (scenarios/vip-good-day.yaml).
 *
 * The script draws nothing from the simulator's PRNG and numbers its events in its own id space,
 * so the rest of the traffic is the same event for event with or without it; and the customer id
 * is not of the simulated population's form (`cu-<base36>`) unless the scenario picks one.
 *
 * Contact i of `contacts` queues at from + i × (to − from) / contacts:
 * - `bad`: waits `waitMs` (default 6 min) and hangs up (contact.abandoned).
 * - `good`: answered after 10 s, talks 4 min, resolved, then a survey (csat 5, nps 9) 5 min later.
 */
import type { ContactEvent, CxEvent, SurveyResponseEvent } from '../../events/types.js';

export interface CustomerContactsIncident {
  kind: 'customer-contacts';
  fromMs: number;
  toMs?: number;
  customer: string;
  segment: string;
  queue: string;
  contacts: number;
  experience: 'bad' | 'good';
  /** bad: how long each contact waits before hanging up, ms. */
  waitMs?: number;
}

/** When `to` is not given, the contacts spread over this span after `from`. */
const DEFAULT_SPAN_MS = 8 * 3_600_000;
const DEFAULT_BAD_WAIT_MS = 6 * 60_000;
const GOOD_WAIT_MS = 10_000;
const GOOD_TALK_MS = 4 * 60_000;
const SURVEY_AFTER_MS = 5 * 60_000;

/** JSON Schema of the incident's YAML form (`from`/`to` as in every incident). */
export function customerContactsSchema(queueName: object, times: object): object {
  return {
    properties: {
      kind: { const: 'customer-contacts' },
      ...times,
      customer: { type: 'string', minLength: 1, maxLength: 128 },
      segment: { type: 'string', minLength: 1, maxLength: 64 },
      queue: queueName,
      contacts: { type: 'integer', minimum: 1, maximum: 100 },
      experience: { enum: ['bad', 'good'] },
      waitMs: { type: 'number', minimum: 0 },
    },
    required: ['kind', 'from', 'customer', 'segment', 'queue', 'contacts', 'experience'],
  };
}

/**
 * Every event of the script, in time order, with absolute times from the run's start and ids
 * `<idPrefix>x<incident>.<n>`.
 */
export function customerContactEvents(
  incident: CustomerContactsIncident,
  startTs: number,
  idPrefix: string,
  incidentIndex: number,
): CxEvent[] {
  const from = startTs + incident.fromMs;
  const to = startTs + (incident.toMs ?? incident.fromMs + DEFAULT_SPAN_MS);
  const gap = (to - from) / incident.contacts;
  const channel = incident.queue.slice(incident.queue.lastIndexOf('/') + 1) as ContactEvent['channel'];
  const events: CxEvent[] = [];
  let seq = 0;
  const id = () => `${idPrefix}x${incidentIndex.toString(36)}.${(seq++).toString(36)}`;
  for (let i = 0; i < incident.contacts; i++) {
    const queuedAt = Math.floor(from + i * gap);
    const contactId = `${idPrefix}x${incidentIndex.toString(36)}c${i.toString(36)}`;
    const contact = (
      type: ContactEvent['type'],
      ts: number,
      extra: Partial<ContactEvent> = {},
    ): ContactEvent => ({
      id: id(),
      type,
      ts,
      channel,
      queue: incident.queue,
      contactId,
      customerId: incident.customer,
      segment: incident.segment,
      ...extra,
    });
    events.push(contact('contact.queued', queuedAt));
    if (incident.experience === 'bad') {
      const waitMs = incident.waitMs ?? DEFAULT_BAD_WAIT_MS;
      events.push(contact('contact.abandoned', queuedAt + waitMs, { waitMs }));
      continue;
    }
    const answeredAt = queuedAt + GOOD_WAIT_MS;
    const endedAt = answeredAt + GOOD_TALK_MS;
    events.push(contact('contact.answered', answeredAt, { waitMs: GOOD_WAIT_MS, agentId: 'scripted-agent' }));
    events.push(
      contact('contact.ended', endedAt, {
        talkMs: GOOD_TALK_MS,
        holdMs: 0,
        wrapMs: 0,
        resolved: true,
        agentId: 'scripted-agent',
      }),
    );
    const survey: SurveyResponseEvent = {
      id: id(),
      type: 'survey.response',
      ts: endedAt + SURVEY_AFTER_MS,
      csat: 5,
      nps: 9,
      queue: incident.queue,
      channel,
      contactId,
      customerId: incident.customer,
      segment: incident.segment,
    };
    events.push(survey);
  }
  return events.sort((a, b) => a.ts - b.ts);
}
