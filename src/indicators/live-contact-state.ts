/**
 * The live gauges: what is true *now*, not summed over a window. Per queue:
 *  - contacts_in_queue: contacts queued and not yet answered, abandoned or transferred;
 *  - oldest_wait_seconds: now − queued ts of the oldest of them (null when none wait);
 *  - agents_available: agents whose last agent.state is `available` and whose skills include the
 *    queue (an agent counts for every queue in its skills);
 *  - occupancy: (busy + wrap) ÷ (available + busy + wrap) among those agents; `away` agents are
 *    logged out or on break and excluded; null when no agent is logged in for the queue.
 * Apply events in event-time order; read the gauges at a given event time (the watermark or the
 * latest event ts), never Date.now(), so replays give the same answers.
 *
 * Bounded: a contact waiting longer than `maxWaitMs` (default 4 h) is presumed lost (its outcome
 * event never came) and dropped when the gauges are read; at most `maxContacts` (default 100 000)
 * waiting contacts are kept, the oldest dropped first. Both are counted in `stats`.
 * A contact.transferred removes the contact from its queue; the producer's contact.queued on the
 * target queue puts it back (we do not re-queue it ourselves, which would count it twice).
 * Agents are remembered until they change state; an agent that logs out sends `away`.
 */
import type { AgentStateName, CxEvent } from '../events/types.js';

export const DEFAULT_MAX_WAIT_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_MAX_CONTACTS = 100_000;

export interface LiveContactStateOptions {
  maxWaitMs?: number;
  maxContacts?: number;
}

export interface LiveQueueSnapshot {
  queue: string;
  contactsInQueue: number;
  oldestWaitSeconds: number | null;
  agentsAvailable: number;
  occupancy: number | null;
}

export interface LiveContactStateStats {
  droppedStale: number;
  droppedForCapacity: number;
}

const STATE_INDEX: Record<AgentStateName, number> = { available: 0, busy: 1, wrap: 2, away: 3 };

interface AgentEntry {
  state: number;
  queues: readonly string[];
}

export class LiveContactState {
  readonly maxWaitMs: number;
  readonly maxContacts: number;
  readonly stats: LiveContactStateStats = { droppedStale: 0, droppedForCapacity: 0 };
  /** queue → contactId → queued ts, in arrival order. */
  private readonly waiting = new Map<string, Map<string, number>>();
  /** contactId → queue, in arrival order (for the global cap and outcome events naming another queue). */
  private readonly queueOf = new Map<string, string>();
  private readonly agents = new Map<string, AgentEntry>();
  /** queue → agents per state [available, busy, wrap, away]. */
  private readonly agentCounts = new Map<string, number[]>();
  private lastDropAt = NaN;

  constructor(options: LiveContactStateOptions = {}) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    this.maxContacts = options.maxContacts ?? DEFAULT_MAX_CONTACTS;
  }

  applyAll(events: readonly CxEvent[]): void {
    for (let i = 0; i < events.length; i++) this.apply(events[i]!);
  }

  apply(event: CxEvent): void {
    switch (event.type) {
      case 'contact.queued':
        this.enqueue(event.contactId, event.queue, event.ts);
        return;
      case 'contact.answered':
      case 'contact.abandoned':
      case 'contact.transferred':
        this.dequeue(event.contactId);
        return;
      case 'agent.state':
        this.setAgent(event.agentId, STATE_INDEX[event.state], event.queues);
        return;
      default:
        return;
    }
  }

  contactsInQueue(queue: string, nowMs: number): number {
    this.dropStale(nowMs);
    return this.waiting.get(queue)?.size ?? 0;
  }

  oldestWaitSeconds(queue: string, nowMs: number): number | null {
    this.dropStale(nowMs);
    return this.oldestWaitAt(queue, nowMs);
  }

  agentsAvailable(queue: string): number {
    return this.agentCounts.get(queue)?.[0] ?? 0;
  }

  occupancy(queue: string): number | null {
    const counts = this.agentCounts.get(queue);
    if (counts === undefined) return null;
    const loggedIn = counts[0]! + counts[1]! + counts[2]!;
    return loggedIn > 0 ? (counts[1]! + counts[2]!) / loggedIn : null;
  }

  /** Every queue with waiting contacts or agents, sorted by name. */
  queues(): string[] {
    const names = new Set<string>();
    for (const [queue, contacts] of this.waiting) if (contacts.size > 0) names.add(queue);
    for (const queue of this.agentCounts.keys()) names.add(queue);
    return [...names].sort();
  }

  snapshot(nowMs: number): LiveQueueSnapshot[] {
    this.dropStale(nowMs);
    return this.queues().map((queue) => ({
      queue,
      contactsInQueue: this.waiting.get(queue)?.size ?? 0,
      oldestWaitSeconds: this.oldestWaitAt(queue, nowMs),
      agentsAvailable: this.agentsAvailable(queue),
      occupancy: this.occupancy(queue),
    }));
  }

  /** Drops contacts queued more than maxWaitMs before nowMs; returns how many. */
  dropStale(nowMs: number): number {
    // Reading several gauges at the same time scans once.
    if (nowMs === this.lastDropAt) return 0;
    this.lastDropAt = nowMs;
    const horizon = nowMs - this.maxWaitMs;
    let dropped = 0;
    for (const [contactId, queue] of this.queueOf) {
      const ts = this.waiting.get(queue)?.get(contactId);
      if (ts !== undefined && ts >= horizon) continue;
      this.dequeue(contactId);
      dropped++;
    }
    this.stats.droppedStale += dropped;
    return dropped;
  }

  private oldestWaitAt(queue: string, nowMs: number): number | null {
    const contacts = this.waiting.get(queue);
    if (contacts === undefined || contacts.size === 0) return null;
    let oldest = Infinity;
    // A scan, not the first entry: contacts may arrive slightly out of event-time order.
    for (const ts of contacts.values()) if (ts < oldest) oldest = ts;
    return Math.max(0, nowMs - oldest) / 1000;
  }

  private enqueue(contactId: string, queue: string, ts: number): void {
    // A repeated queued event for the same contact (redelivery, or a re-queue) moves it.
    if (this.queueOf.has(contactId)) this.dequeue(contactId);
    let contacts = this.waiting.get(queue);
    if (contacts === undefined) {
      contacts = new Map();
      this.waiting.set(queue, contacts);
    }
    contacts.set(contactId, ts);
    this.queueOf.set(contactId, queue);
    this.lastDropAt = NaN;
    if (this.queueOf.size > this.maxContacts) {
      const oldest = this.queueOf.keys().next();
      if (!oldest.done) {
        this.dequeue(oldest.value);
        this.stats.droppedForCapacity++;
      }
    }
  }

  private dequeue(contactId: string): void {
    const queue = this.queueOf.get(contactId);
    if (queue === undefined) return;
    this.queueOf.delete(contactId);
    this.waiting.get(queue)?.delete(contactId);
  }

  private setAgent(agentId: string, state: number, queues: readonly string[]): void {
    const previous = this.agents.get(agentId);
    if (previous !== undefined) {
      for (const queue of previous.queues) this.agentCounts.get(queue)![previous.state]!--;
    }
    for (const queue of queues) {
      let counts = this.agentCounts.get(queue);
      if (counts === undefined) {
        counts = [0, 0, 0, 0];
        this.agentCounts.set(queue, counts);
      }
      counts[state]!++;
    }
    this.agents.set(agentId, { state, queues });
  }
}
