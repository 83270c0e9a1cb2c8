/**
 * The traffic simulator: a discrete-event simulation of a contact centre, digital journeys and
 * social media, in simulated time, driven by one seeded PRNG.
 *
 * `createSimulator(options).nextBatch(untilTs)` runs every task due before `untilTs` and returns the
 * events they produced, ordered by `ts`. Same seed and options → the same stream, event for event.
 * The model is described in docs/simulator.md; the company it simulates is the data in `model.ts`.
 */
import type {
  AgentStateEvent,
  AgentStateName,
  Channel,
  ContactEvent,
  ContactEventType,
  CxEvent,
  EventType,
  SocialFeedbackEvent,
  SurveyResponseEvent,
  TouchpointEvent,
  TouchpointOutcome,
} from '../../events/types.js';
import { Agenda } from './agenda.js';
import {
  GENERIC_NEGATIVE_TAGS,
  JOURNEYS,
  MAX_RETRIES,
  NEGATIVE_TAGS_BY_CAUSE,
  PLATFORMS,
  POSITIVE_TAGS,
  QUEUES,
  RETRY_PROBABILITY,
  SOCIAL_TEXT,
  SOCIAL_TOPICS,
  STAGE_GAP,
  SURVEY_COMMENTS,
  TEAMS,
  VIP_QUEUE,
  VIP_ROUTED_CHANNEL,
  VIP_SHARE,
  meanHandleMs,
  seasonality,
  type DemandProfile,
  type JourneySpec,
  type LogNormalSpec,
  type QueueSpec,
  type StageSpec,
  type TeamSpec,
} from './model.js';
import { Prng } from './prng.js';
import {
  INTRADAY_RESERVE_SHARE,
  forecastRecontactRate,
  mayStartBreak,
  shouldPullReserve,
} from './workforce.js';
import {
  EMPTY_SCENARIO,
  scenarioLabels,
  type Incident,
  type IncidentLabel,
  type Scenario,
} from './scenario.js';

export interface SimulatorOptions {
  /** PRNG seed (32-bit). Default 1. */
  seed?: number;
  /** Simulated start, epoch ms. Default: now (rounded down to the second). */
  startTs?: number;
  /**
   * Target events per simulated second, averaged over a day (the instantaneous rate follows the
   * daily profile unless `seasonality` is false). Default 100.
   */
  rate?: number;
  /** Follow the time-of-day demand profile. Default true; false gives a flat rate. */
  seasonality?: boolean;
  /** Local time offset used for the daily profile. Default 0 (UTC). */
  utcOffsetMinutes?: number;
  /** Multiplies every team's planned headcount (< 1 understaffs everywhere). Default 1. */
  staffingFactor?: number;
  /**
   * Share of each team's planned headcount that real-time management may pull onto its queues when
   * callers queue up (workforce.ts). Default 0.15; 0 gives a centre without intraday management.
   */
  intradayReserve?: number;
  /**
   * Peak headcount cap. Agents needed grow with the contact rate (rate × handle time); beyond this
   * cap the extra event budget goes to digital journeys instead. Default 5000.
   */
  maxAgents?: number;
  /** Incidents to inject. Default: none. */
  scenario?: Scenario;
}

export interface Simulator {
  readonly seed: number;
  readonly startTs: number;
  /** Simulated time reached so far (epoch ms): every event before it has been returned. */
  readonly now: number;
  /** Runs the simulation up to (excluding) `untilTs` and returns the events produced, ordered by ts. */
  nextBatch(untilTs: number): CxEvent[];
  /** Ground truth: every incident of the scenario with absolute start and end. */
  labels(): IncidentLabel[];
  /** Arrival rates the simulator planned for, per simulated second at a seasonality of 1. */
  readonly plan: TrafficPlan;
}

export interface TrafficPlan {
  contactsPerSecond: number;
  journeysPerSecond: number;
  socialPostsPerSecond: number;
}

// Measured average events per arrival (flat seasonality, default model; see the rate test), used to
// turn the `rate` budget into arrival rates.
const EVENTS_PER_CONTACT = 6.2;
const EVENTS_PER_JOURNEY = 3.9;
const CONTACT_SHARE = 0.6;
const SOCIAL_SHARE = 0.04;
/** Offered load grows by callbacks and journey fallbacks beyond the planned arrivals. */
const EXTRA_DEMAND = 1.11;
const REPLAN_EVERY_MS = 15 * 60_000;
const BREAK_PROBABILITY = 0.03;
/** Share of shift time on breaks: BREAK_PROBABILITY × mean break / mean handle time, rounded up. */
const BREAK_TIME_SHARE = 0.05;
/**
 * β of the square-root staffing rule N = A + β√A. 0.6 puts roughly a third of contacts in a short
 * wait (Halfin–Whitt), the service level of a well-run but not lavish centre.
 */
const STAFFING_BETA = 0.6;
const BREAK: LogNormalSpec = { medianMs: 8 * 60_000, sigma: 0.4 };
const CALLBACK_AFTER_UNRESOLVED: LogNormalSpec = { medianMs: 90 * 60_000, sigma: 0.8 };
const CALLBACK_AFTER_ABANDON: LogNormalSpec = { medianMs: 15 * 60_000, sigma: 0.8 };
const CALLBACK_AFTER_JOURNEY: LogNormalSpec = { medianMs: 3 * 60_000, sigma: 0.6 };
/** Post-contact surveys arrive minutes later (IVR, SMS, e-mail). */
const SURVEY_DELAY: LogNormalSpec = { medianMs: 10 * 60_000, sigma: 0.9 };
/** In-app surveys pop up right after the journey. */
const JOURNEY_SURVEY_DELAY: LogNormalSpec = { medianMs: 20_000, sigma: 0.6 };
const JOURNEY_SURVEY_PROBABILITY = 0.02;

// ---------------------------------------------------------------------------------------------
// Runtime state

interface Contact {
  id: string;
  customerId: string;
  segment: string;
  queue: QueueRt;
  enqueuedAt: number;
  /** Incremented each time the contact (re-)enters a queue, so stale abandon tasks are ignored. */
  waitToken: number;
  waiting: boolean;
  transferred: boolean;
  firstWaitMs: number;
}

interface QueueRt {
  spec: QueueSpec;
  name: string;
  channel: Channel;
  meanHandleMs: number;
  vip: Contact[];
  vipHead: number;
  std: Contact[];
  stdHead: number;
  waiting: number;
  teams: TeamRt[];
  /** Callbacks and transfers in since the last staffing plan (demand beyond the base forecast). */
  extraArrivals: number;
  /** Re-contacts per second measured at the last plan. */
  extraRate: number;
}

interface TeamRt {
  spec: TeamSpec;
  name: string;
  queues: QueueRt[];
  /** Shared by every agent.state event of the team (never mutated). */
  queueNames: string[];
  agents: Agent[];
  idle: Agent[];
  idleTokens: number[];
  idleHead: number;
  /** Agents on shift and not leaving (available, busy, wrap or on break). */
  staffed: number;
  target: number;
  /** Agents on break now (staggered, see mayStartBreak). */
  onBreak: number;
}

type AgentPhase = 'off' | 'available' | 'busy' | 'wrap' | 'break';

/**
 * Agents and journeys are their own agenda entries (each has at most one pending step), which
 * saves allocating a task object per step: at 50 000 events/s that allocation dominated GC time.
 */
interface Agent {
  t: number;
  seq: number;
  kind: 'agent';
  step: 'talk-end' | 'wrap-end' | 'break-end';
  id: string;
  team: TeamRt;
  phase: AgentPhase;
  leaving: boolean;
  /** A break drawn while it could not start (callers waiting, or enough of the team away). */
  breakDue: boolean;
  idleToken: number;
  contact: Contact | undefined;
  talkMs: number;
  holdMs: number;
  wrapMs: number;
  transferTo: QueueRt | undefined;
}

interface Journey {
  t: number;
  seq: number;
  kind: 'journey';
  step: 'stage-start' | 'stage-done';
  /** Of the pending stage-done step. */
  outcome: TouchpointOutcome;
  latencyMs: number;
  errorCode: string | undefined;
  id: string;
  spec: JourneySpec;
  customerId: string;
  segment: string;
  stageIndex: number;
  retries: number;
  failures: number;
}

type Task =
  | Agent
  | Journey
  | ({ t: number; seq: number } & (
      | { kind: 'arrival'; queue: QueueRt }
      | { kind: 'callback'; queue: QueueRt; customer: number }
      | { kind: 'abandon'; contact: Contact; token: number }
      | { kind: 'replan' }
      | { kind: 'incident' }
      | { kind: 'journey-arrival' }
      | { kind: 'social' }
      | { kind: 'survey'; survey: SurveyResponseEvent }
    ));

export function createSimulator(options: SimulatorOptions = {}): Simulator {
  return new SimulatorImpl(options);
}

class SimulatorImpl implements Simulator {
  readonly seed: number;
  readonly startTs: number;
  readonly plan: TrafficPlan;
  now: number;

  private readonly rng: Prng;
  private readonly agenda: Agenda<Task>;
  private readonly queues: QueueRt[];
  private readonly queueByName = new Map<string, QueueRt>();
  private readonly teams: TeamRt[];
  private readonly scenario: Scenario;
  private readonly seasonal: boolean;
  private readonly utcOffsetMinutes: number;
  private readonly staffingFactor: number;
  private readonly intradayReserve: number;
  private readonly population: number;
  private readonly idPrefix: string;
  private readonly journeyCumulative: number[];
  private readonly platformCumulative: number[];
  /**
   * Share of failed journeys' fallback contacts that reach the centre. 1 normally; when the contact
   * centre is capped (`maxAgents`) and journeys carry most of the rate, only a proportional sample
   * does, so a large digital estate cannot drown a capped centre.
   */
  private readonly fallbackScale: number;

  private out: CxEvent[] = [];
  private eventSeq = 0;
  private lastPlanAt: number;
  private contactSeq = 0;
  private journeySeq = 0;

  // Incident effects, recomputed at every incident boundary.
  private readonly failureOverride = new Map<string, number>();
  private readonly latencyMultiplier = new Map<string, number>();
  private readonly awayFraction = new Map<TeamRt, number>();
  private readonly extraStaff = new Map<TeamRt, number>();
  private journeySurveyProbability = JOURNEY_SURVEY_PROBABILITY;
  private surge: { topic: string; multiplier: number; shift: number; reach: number } | undefined;
  private silencedTypes = new Set<EventType>();
  private silencedQueues = new Set<string>();
  private silenced = false;
  /** `journey/afterStage` → the hand-off incident in force there (journey-handoff.ts). */
  private readonly handoffs = new Map<string, { lossProbability: number; gapMultiplier: number }>();
  /** The hand-off loss draws, apart from the main stream: a hand-off that loses nobody draws nothing from it. */
  private readonly handoffRng: Prng;

  constructor(options: SimulatorOptions) {
    this.seed = (options.seed ?? 1) >>> 0;
    this.startTs = options.startTs ?? Math.floor(Date.now() / 1000) * 1000;
    this.now = this.startTs;
    this.lastPlanAt = this.startTs;
    this.agenda = new Agenda<Task>(this.startTs);
    this.rng = new Prng(this.seed);
    this.handoffRng = new Prng(this.seed ^ 0x68616e64);
    this.scenario = options.scenario ?? EMPTY_SCENARIO;
    this.seasonal = options.seasonality ?? true;
    this.utcOffsetMinutes = options.utcOffsetMinutes ?? 0;
    this.staffingFactor = options.staffingFactor ?? 1;
    this.intradayReserve = options.intradayReserve ?? INTRADAY_RESERVE_SHARE;
    // Seed and start in every id: deterministic for a replay, yet two runs with different starts
    // never produce the same ids (downstream deduplicates by id).
    this.idPrefix = `s${this.seed.toString(36)}.${Math.floor(this.startTs / 1000).toString(36)}-`;

    this.queues = QUEUES.map((spec) => {
      const q: QueueRt = {
        spec,
        name: spec.name,
        channel: spec.channel,
        meanHandleMs: meanHandleMs(spec),
        vip: [],
        vipHead: 0,
        std: [],
        stdHead: 0,
        waiting: 0,
        teams: [],
        extraArrivals: 0,
        extraRate: 0,
      };
      this.queueByName.set(spec.name, q);
      return q;
    });
    this.teams = TEAMS.map((spec) => {
      const team: TeamRt = {
        spec,
        name: spec.name,
        queues: spec.queues.map((n) => this.queueRt(n)),
        queueNames: [...spec.queues],
        agents: [],
        idle: [],
        idleTokens: [],
        idleHead: 0,
        staffed: 0,
        target: 0,
        onBreak: 0,
      };
      for (const q of team.queues) q.teams.push(team);
      return team;
    });

    this.plan = planTraffic(options.rate ?? 100, options.maxAgents ?? 5000, this.seasonal);
    // A finite population, about five days of contacts, so the same customer comes back.
    this.population = Math.max(1000, Math.round(this.plan.contactsPerSecond * 86_400 * 5));
    this.fallbackScale =
      this.plan.journeysPerSecond > 0
        ? Math.min(1, (5 * this.plan.contactsPerSecond) / this.plan.journeysPerSecond)
        : 1;
    this.journeyCumulative = cumulative(JOURNEYS.map((j) => j.share));
    this.platformCumulative = cumulative(PLATFORMS.map((p) => p.weight));

    const t0 = this.startTs;
    this.applyIncidents(t0);
    this.replan(t0);
    this.schedule({ t: t0 + REPLAN_EVERY_MS, seq: 0, kind: 'replan' });
    for (const inc of this.scenario.incidents) {
      this.schedule({ t: t0 + inc.fromMs, seq: 0, kind: 'incident' });
      if (inc.toMs !== undefined) this.schedule({ t: t0 + inc.toMs, seq: 0, kind: 'incident' });
    }
    for (const q of this.queues) {
      if (q.spec.share > 0) this.scheduleArrival(q, t0);
    }
    this.scheduleJourneyArrival(t0);
    this.scheduleSocial(t0);
  }

  labels(): IncidentLabel[] {
    return scenarioLabels(this.scenario, this.startTs);
  }

  nextBatch(untilTs: number): CxEvent[] {
    const agenda = this.agenda;
    while (agenda.peekTime() < untilTs) {
      const task = agenda.pop() as Task;
      this.run(task);
    }
    if (untilTs > this.now) this.now = untilTs;
    const batch = this.out;
    this.out = [];
    return batch;
  }

  // -------------------------------------------------------------------------------------------
  // Dispatch

  private run(task: Task): void {
    const t = task.t;
    switch (task.kind) {
      case 'arrival':
        this.arrive(task.queue, this.randomCustomer(), t, false);
        this.scheduleArrival(task.queue, t);
        return;
      case 'callback':
        // A customer does not queue at a closed store: without this, call-backs of the evening's
        // abandons kept a store team busy all night (the re-contact forecast staffed it for them).
        if (this.season(task.queue.spec.profile, t) <= 0) return;
        this.arrive(task.queue, task.customer, t, true);
        return;
      case 'abandon':
        this.abandon(task.contact, task.token, t);
        return;
      case 'agent':
        if (task.step === 'talk-end') this.talkEnd(task, t);
        else if (task.step === 'wrap-end') this.wrapEnd(task, t);
        else this.breakEnd(task, t);
        return;
      case 'replan':
        this.replan(t);
        this.schedule({ t: t + REPLAN_EVERY_MS, seq: 0, kind: 'replan' });
        return;
      case 'incident':
        this.applyIncidents(t);
        this.replan(t);
        return;
      case 'journey-arrival':
        this.startJourney(t);
        this.scheduleJourneyArrival(t);
        return;
      case 'journey':
        if (task.step === 'stage-start') this.stageStart(task, t);
        else this.stageDone(task, t);
        return;
      case 'social':
        this.socialPost(t);
        this.scheduleSocial(t);
        return;
      case 'survey':
        this.emit(task.survey);
        return;
    }
  }

  private schedule(task: Task): void {
    this.agenda.schedule(task);
  }

  private emit(event: CxEvent): void {
    if (this.silenced) {
      if (this.silencedTypes.has(event.type)) return;
      const queue = (event as { queue?: string }).queue;
      if (queue !== undefined && this.silencedQueues.has(queue)) return;
      if (event.type === 'agent.state') {
        for (const q of event.queues) if (this.silencedQueues.has(q)) return;
      }
    }
    this.out.push(event);
  }

  private nextId(): string {
    return this.idPrefix + (this.eventSeq++).toString(36);
  }

  private season(profile: DemandProfile, t: number): number {
    return this.seasonal ? seasonality(profile, t, this.utcOffsetMinutes) : 1;
  }

  private queueRt(name: string): QueueRt {
    const q = this.queueByName.get(name);
    if (q === undefined) throw new Error(`simulator model: unknown queue ${name}`);
    return q;
  }

  /**
   * Next arrival of a non-homogeneous Poisson process. The rate is taken at the current time and
   * held for one gap: gaps are seconds long and the profile changes over hours, so the error is
   * negligible, and at rate 0 (a closed store) we look again in a minute.
   */
  private nextArrivalTime(ratePerSecond: number, t: number): number {
    if (ratePerSecond <= 0) return t + 60_000;
    return t + this.rng.exponential(1000 / ratePerSecond);
  }

  // -------------------------------------------------------------------------------------------
  // Contacts

  private scheduleArrival(q: QueueRt, t: number): void {
    const rate = this.plan.contactsPerSecond * q.spec.share * this.season(q.spec.profile, t);
    this.schedule({ t: this.nextArrivalTime(rate, t), seq: 0, kind: 'arrival', queue: q });
  }

  private randomCustomer(): number {
    // Skewed towards low indices: some customers contact much more often than others.
    const u = this.rng.next();
    return Math.floor(u * u * this.population);
  }

  private isVip(customer: number): boolean {
    return (Math.imul(customer + 1, 2654435761) >>> 0) % 1000 < VIP_SHARE * 1000;
  }

  private arrive(chosen: QueueRt, customer: number, t: number, recontact: boolean): void {
    const vip = this.isVip(customer);
    const queue = vip && chosen.channel === VIP_ROUTED_CHANNEL ? this.queueRt(VIP_QUEUE) : chosen;
    const contact: Contact = {
      id: `${this.idPrefix}c${(this.contactSeq++).toString(36)}`,
      customerId: `cu-${customer.toString(36)}`,
      segment: vip ? 'vip' : 'standard',
      queue,
      enqueuedAt: t,
      waitToken: 0,
      waiting: false,
      transferred: false,
      firstWaitMs: 0,
    };
    if (recontact) queue.extraArrivals++;
    this.enqueue(contact, queue, t);
  }

  private contactEvent(type: ContactEventType, c: Contact, queue: QueueRt, t: number): ContactEvent {
    return {
      id: this.nextId(),
      type,
      ts: Math.floor(t),
      channel: queue.channel,
      queue: queue.name,
      contactId: c.id,
      customerId: c.customerId,
      segment: c.segment,
    };
  }

  private enqueue(c: Contact, queue: QueueRt, t: number): void {
    c.queue = queue;
    c.enqueuedAt = t;
    this.emit(this.contactEvent('contact.queued', c, queue, t));
    for (const team of queue.teams) {
      const agent = this.takeIdleAgent(team);
      if (agent !== undefined) {
        this.answer(agent, c, t);
        return;
      }
    }
    c.waiting = true;
    c.waitToken++;
    queue.waiting++;
    if (c.segment === 'vip') queue.vip.push(c);
    else queue.std.push(c);
    // Real-time management: one reserve agent per caller queued beyond the trigger, from the first
    // team of the queue that still has reserve.
    for (const team of queue.teams) {
      if (shouldPullReserve(team, this.waitingFor(team), this.intradayReserve)) {
        this.staffTeam(team, team.staffed + 1, t, { planned: false });
        break;
      }
    }
    const patience = this.rng.weibull(queue.spec.patienceShape, queue.spec.patienceScaleMs);
    this.schedule({ t: t + patience, seq: 0, kind: 'abandon', contact: c, token: c.waitToken });
  }

  private abandon(c: Contact, token: number, t: number): void {
    if (!c.waiting || c.waitToken !== token) return;
    c.waiting = false;
    c.queue.waiting--;
    const e = this.contactEvent('contact.abandoned', c, c.queue, t);
    e.waitMs = Math.round(t - c.enqueuedAt);
    this.emit(e);
    if (this.rng.chance(0.45)) this.scheduleCallback(c, c.queue, CALLBACK_AFTER_ABANDON, t);
  }

  private scheduleCallback(c: Contact, queue: QueueRt, delay: LogNormalSpec, t: number): void {
    const customer = parseInt(c.customerId.slice(3), 36);
    const at = t + this.rng.logNormal(delay.medianMs, delay.sigma);
    this.schedule({ t: at, seq: 0, kind: 'callback', queue, customer });
  }

  /** Head of a queue (VIP first), skipping contacts that abandoned meanwhile. */
  private dequeue(q: QueueRt): Contact | undefined {
    if (q.waiting === 0) return undefined;
    let c = shift(q, 'vip');
    if (c === undefined) c = shift(q, 'std');
    if (c !== undefined) {
      c.waiting = false;
      q.waiting--;
    }
    return c;
  }

  private answer(agent: Agent, c: Contact, t: number): void {
    const q = c.queue;
    const spec = q.spec;
    const rng = this.rng;
    const waitMs = Math.round(t - c.enqueuedAt);
    if (!c.transferred) c.firstWaitMs = waitMs;
    agent.phase = 'busy';
    agent.contact = c;
    agent.talkMs = Math.round(rng.logNormal(spec.talk.medianMs, spec.talk.sigma));
    agent.holdMs = rng.chance(spec.holdProbability)
      ? Math.round(rng.logNormal(spec.hold.medianMs, spec.hold.sigma))
      : 0;
    agent.wrapMs = Math.round(rng.logNormal(spec.wrap.medianMs, spec.wrap.sigma));
    agent.transferTo =
      spec.transferTo !== undefined && !c.transferred && rng.chance(spec.transferProbability)
        ? this.queueRt(spec.transferTo)
        : undefined;
    if (agent.transferTo !== undefined) agent.talkMs = Math.round(agent.talkMs * 0.4);
    const e = this.contactEvent('contact.answered', c, q, t);
    e.waitMs = waitMs;
    e.agentId = agent.id;
    this.emit(e);
    this.agentState(agent, 'busy', t);
    this.agentStep(agent, 'talk-end', t + agent.talkMs + agent.holdMs);
  }

  private talkEnd(agent: Agent, t: number): void {
    const c = agent.contact as Contact;
    agent.phase = 'wrap';
    this.agentState(agent, 'wrap', t);
    if (agent.transferTo !== undefined) {
      const e = this.contactEvent('contact.transferred', c, c.queue, t);
      e.agentId = agent.id;
      e.toQueue = agent.transferTo.name;
      e.talkMs = agent.talkMs;
      e.holdMs = agent.holdMs;
      this.emit(e);
      c.transferred = true;
      agent.contact = undefined;
      agent.transferTo.extraArrivals++;
      this.enqueue(c, agent.transferTo, t);
    }
    this.agentStep(agent, 'wrap-end', t + agent.wrapMs);
  }

  private wrapEnd(agent: Agent, t: number): void {
    const c = agent.contact;
    if (c !== undefined) {
      const resolved = this.rng.chance(c.queue.spec.resolveProbability * (c.transferred ? 0.9 : 1));
      const e = this.contactEvent('contact.ended', c, c.queue, t);
      e.agentId = agent.id;
      e.waitMs = Math.round(c.firstWaitMs);
      e.talkMs = agent.talkMs;
      e.holdMs = agent.holdMs;
      e.wrapMs = agent.wrapMs;
      e.resolved = resolved;
      this.emit(e);
      agent.contact = undefined;
      if (this.rng.chance(c.queue.spec.surveyProbability)) this.scheduleContactSurvey(c, resolved, t);
      if (!resolved && this.rng.chance(0.45)) this.scheduleCallback(c, c.queue, CALLBACK_AFTER_UNRESOLVED, t);
    }
    if (agent.leaving) {
      this.signOff(agent, t);
    } else if (agent.breakDue || this.rng.chance(BREAK_PROBABILITY)) {
      // Drawn at random after each contact and taken at once, breaks put three of a nine-agent night
      // team away together, or two of three with 17 callers waiting (baseline, seed 7). Real centres
      // stagger breaks and hold them while callers wait: the break stays due for a later wrap-up.
      agent.breakDue = !mayStartBreak(agent.team, BREAK_TIME_SHARE, this.waitingFor(agent.team) > 0);
      if (agent.breakDue) {
        this.becomeAvailable(agent, t);
        return;
      }
      agent.team.onBreak++;
      agent.phase = 'break';
      this.agentState(agent, 'away', t);
      this.agentStep(agent, 'break-end', t + this.rng.logNormal(BREAK.medianMs, BREAK.sigma));
    } else {
      this.becomeAvailable(agent, t);
    }
  }

  private agentStep(agent: Agent, step: Agent['step'], at: number): void {
    agent.step = step;
    agent.t = at;
    this.agenda.schedule(agent);
  }

  /** Callers waiting in the team's queues. */
  private waitingFor(team: TeamRt): number {
    let n = 0;
    for (const q of team.queues) n += q.waiting;
    return n;
  }

  private breakEnd(agent: Agent, t: number): void {
    agent.team.onBreak--;
    if (agent.leaving) {
      // Already away on break; leaving the shift from a break needs no second event.
      agent.leaving = false;
      agent.phase = 'off';
      return;
    }
    this.becomeAvailable(agent, t);
  }

  // -------------------------------------------------------------------------------------------
  // Agents and staffing

  private agentState(agent: Agent, state: AgentStateName, t: number): void {
    const e: AgentStateEvent = {
      id: this.nextId(),
      type: 'agent.state',
      ts: Math.floor(t),
      agentId: agent.id,
      team: agent.team.name,
      queues: agent.team.queueNames,
      state,
    };
    this.emit(e);
  }

  /** The agent takes the next waiting contact of its skills (in skill order), or goes idle. */
  private becomeAvailable(agent: Agent, t: number): void {
    for (const q of agent.team.queues) {
      const c = this.dequeue(q);
      if (c !== undefined) {
        this.answer(agent, c, t);
        return;
      }
    }
    if (agent.phase !== 'available') {
      agent.phase = 'available';
      this.agentState(agent, 'available', t);
    }
    const team = agent.team;
    agent.idleToken++;
    team.idle.push(agent);
    team.idleTokens.push(agent.idleToken);
  }

  /** Longest-idle agent of the team, skipping stale entries (agents who left meanwhile). */
  private takeIdleAgent(team: TeamRt): Agent | undefined {
    while (team.idleHead < team.idle.length) {
      const i = team.idleHead++;
      const agent = team.idle[i] as Agent;
      const token = team.idleTokens[i] as number;
      if (team.idleHead > 1024 && team.idleHead * 2 > team.idle.length) {
        team.idle.splice(0, team.idleHead);
        team.idleTokens.splice(0, team.idleHead);
        team.idleHead = 0;
      }
      if (agent.phase === 'available' && agent.idleToken === token) {
        agent.idleToken++;
        return agent;
      }
    }
    return undefined;
  }

  private signOff(agent: Agent, t: number): void {
    agent.leaving = false;
    agent.phase = 'off';
    agent.idleToken++;
    this.agentState(agent, 'away', t);
  }

  /**
   * Shift planning: each team is staffed for the load expected in the next quarter hour with the
   * square-root rule N = A + β√A (A = offered load in Erlangs), which keeps waits short when the
   * forecast is right. Understaffing incidents then take a fraction of that headcount away.
   */
  private replan(t: number): void {
    const horizon = t + REPLAN_EVERY_MS / 2;
    const contactRate = this.plan.contactsPerSecond;
    // Re-measure the re-contact rate only over a meaningful interval: an incident boundary may
    // trigger a plan seconds after the last one.
    const elapsed = t - this.lastPlanAt;
    if (elapsed >= 60_000) {
      for (const q of this.queues) {
        const measured = (q.extraArrivals * 1000) / elapsed;
        const first = this.lastPlanAt === this.startTs;
        q.extraRate = forecastRecontactRate(first ? undefined : q.extraRate, measured, elapsed);
        q.extraArrivals = 0;
      }
      this.lastPlanAt = t;
    }
    let voiceShare = 0;
    for (const q of this.queues) if (q.channel === VIP_ROUTED_CHANNEL) voiceShare += q.spec.share;
    for (const team of this.teams) {
      let erlangs = 0;
      for (const q of team.queues) {
        let share = q.spec.share;
        if (q.name === VIP_QUEUE) share = voiceShare * VIP_SHARE;
        else if (q.channel === VIP_ROUTED_CHANNEL) share *= 1 - VIP_SHARE;
        // Base forecast from the daily profile, plus the re-contacts (callbacks, fallbacks from failed
        // journeys, transfers in) observed since the last plan: an intraday re-forecast.
        const rate = contactRate * share * this.season(q.spec.profile, horizon) + q.extraRate;
        erlangs += (rate * q.meanHandleMs) / 1000;
      }
      const beta = team.spec.staffingBeta ?? STAFFING_BETA;
      const needed = erlangs > 0 ? (erlangs + beta * Math.sqrt(erlangs)) / (1 - BREAK_TIME_SHARE) : 0;
      const away = this.awayFraction.get(team) ?? 0;
      const extra = this.extraStaff.get(team) ?? 0;
      const target = Math.ceil(needed * this.staffingFactor * (1 - away) * (1 + extra));
      this.staffTeam(team, target, t);
    }
  }

  /** `planned: false` staffs beyond the plan (a reserve pull) and leaves the plan's target as it is. */
  private staffTeam(team: TeamRt, target: number, t: number, { planned } = { planned: true }): void {
    if (planned) team.target = target;
    if (team.staffed < target) {
      // First keep those about to leave, then call in agents who are off shift.
      for (const a of team.agents) {
        if (team.staffed >= target) break;
        if (a.leaving) {
          a.leaving = false;
          team.staffed++;
        }
      }
      for (const a of team.agents) {
        if (team.staffed >= target) break;
        if (a.phase === 'off') {
          team.staffed++;
          this.becomeAvailable(a, t);
        }
      }
      while (team.staffed < target) {
        const a: Agent = {
          id: `${team.name}-${team.agents.length.toString().padStart(4, '0')}`,
          team,
          phase: 'off',
          leaving: false,
          breakDue: false,
          idleToken: 0,
          contact: undefined,
          talkMs: 0,
          holdMs: 0,
          wrapMs: 0,
          transferTo: undefined,
          t,
          seq: 0,
          kind: 'agent',
          step: 'talk-end',
        };
        team.agents.push(a);
        team.staffed++;
        this.becomeAvailable(a, t);
      }
    } else if (team.staffed > target) {
      // Idle agents sign off now; busy ones (and those on break) when they are done.
      for (let i = team.agents.length - 1; i >= 0 && team.staffed > target; i--) {
        const a = team.agents[i] as Agent;
        if (a.phase === 'available') {
          team.staffed--;
          this.signOff(a, t);
        }
      }
      for (let i = team.agents.length - 1; i >= 0 && team.staffed > target; i--) {
        const a = team.agents[i] as Agent;
        if (a.phase !== 'off' && !a.leaving) {
          a.leaving = true;
          team.staffed--;
        }
      }
    }
  }

  // -------------------------------------------------------------------------------------------
  // Incidents

  private applyIncidents(t: number): void {
    const offset = t - this.startTs;
    this.failureOverride.clear();
    this.latencyMultiplier.clear();
    this.awayFraction.clear();
    this.extraStaff.clear();
    this.journeySurveyProbability = JOURNEY_SURVEY_PROBABILITY;
    this.surge = undefined;
    this.silencedTypes = new Set();
    this.silencedQueues = new Set();
    this.handoffs.clear();
    for (const inc of this.scenario.incidents) {
      if (!isActive(inc, offset)) continue;
      switch (inc.kind) {
        case 'understaffing':
          for (const team of this.teams) {
            if (team.queueNames.some((n) => inc.queues.includes(n))) {
              this.awayFraction.set(team, Math.max(this.awayFraction.get(team) ?? 0, inc.awayFraction));
            }
          }
          break;
        case 'overstaffing':
          for (const team of this.teams) {
            if (team.queueNames.some((n) => inc.queues.includes(n))) {
              this.extraStaff.set(team, Math.max(this.extraStaff.get(team) ?? 0, inc.extraFraction));
            }
          }
          break;
        case 'survey-campaign':
          this.journeySurveyProbability = Math.max(this.journeySurveyProbability, inc.journeyProbability);
          break;
        case 'touchpoint-outage':
          this.failureOverride.set(
            inc.touchpoint,
            Math.max(this.failureOverride.get(inc.touchpoint) ?? 0, inc.failureProbability),
          );
          break;
        case 'latency-degradation':
          this.latencyMultiplier.set(
            inc.touchpoint,
            (this.latencyMultiplier.get(inc.touchpoint) ?? 1) * inc.multiplier,
          );
          break;
        case 'social-surge':
          if (this.surge === undefined || inc.rateMultiplier > this.surge.multiplier) {
            this.surge = {
              topic: inc.topic,
              multiplier: inc.rateMultiplier,
              shift: inc.sentimentShift,
              reach: inc.reachMultiplier,
            };
          }
          break;
        case 'silent-feed':
          for (const type of inc.eventTypes) this.silencedTypes.add(type);
          if (inc.queue !== undefined) this.silencedQueues.add(inc.queue);
          break;
        case 'journey-handoff':
          this.handoffs.set(`${inc.journey}/${inc.afterStage}`, {
            lossProbability: inc.lossProbability,
            gapMultiplier: inc.gapMultiplier,
          });
          break;
      }
    }
    this.silenced = this.silencedTypes.size > 0 || this.silencedQueues.size > 0;
  }

  // -------------------------------------------------------------------------------------------
  // Digital journeys

  private scheduleJourneyArrival(t: number): void {
    const rate = this.plan.journeysPerSecond * this.season('digital', t);
    this.schedule({ t: this.nextArrivalTime(rate, t), seq: 0, kind: 'journey-arrival' });
  }

  private startJourney(t: number): void {
    const spec = JOURNEYS[pickCumulative(this.journeyCumulative, this.rng.next())] as JourneySpec;
    const customer = this.randomCustomer();
    const journey: Journey = {
      id: `${this.idPrefix}j${(this.journeySeq++).toString(36)}`,
      spec,
      customerId: `cu-${customer.toString(36)}`,
      segment: this.isVip(customer) ? 'vip' : 'standard',
      stageIndex: 0,
      retries: 0,
      failures: 0,
      t,
      seq: 0,
      kind: 'journey',
      step: 'stage-start',
      outcome: 'success',
      latencyMs: 0,
      errorCode: undefined,
    };
    this.stageStart(journey, t);
  }

  private stageStart(journey: Journey, t: number): void {
    const stage = journey.spec.stages[journey.stageIndex] as StageSpec;
    const rng = this.rng;
    if (journey.retries === 0 && rng.chance(stage.dropOffProbability)) {
      // Lost interest: the customer leaves the page after reading it for a while.
      const stayed = rng.logNormal(20_000, 0.8);
      this.journeyDone(journey, t + stayed, 'abandoned', Math.round(stayed), undefined);
      return;
    }
    const failP = this.failureOverride.get(stage.touchpoint) ?? stage.failureProbability;
    const latencyMul = this.latencyMultiplier.get(stage.touchpoint) ?? 1;
    const latency = rng.logNormal(stage.latency.medianMs, stage.latency.sigma) * latencyMul;
    if (rng.chance(failP)) {
      this.journeyDone(journey, t + latency, 'failure', Math.round(latency), rng.pick(stage.errorCodes));
    } else {
      this.journeyDone(journey, t + latency, 'success', Math.round(latency), undefined);
    }
  }

  private journeyDone(
    journey: Journey,
    at: number,
    outcome: TouchpointOutcome,
    latencyMs: number,
    errorCode: string | undefined,
  ): void {
    journey.step = 'stage-done';
    journey.outcome = outcome;
    journey.latencyMs = latencyMs;
    journey.errorCode = errorCode;
    journey.t = at;
    this.agenda.schedule(journey);
  }

  private journeyNextStart(journey: Journey, at: number): void {
    journey.step = 'stage-start';
    journey.t = at;
    this.agenda.schedule(journey);
  }

  private stageDone(journey: Journey, t: number): void {
    const spec = journey.spec;
    const stage = spec.stages[journey.stageIndex] as StageSpec;
    const outcome = journey.outcome;
    const e: TouchpointEvent = {
      id: this.nextId(),
      type: 'touchpoint.event',
      ts: Math.floor(t),
      journeyId: journey.id,
      journey: spec.journey,
      stage: stage.stage,
      stageIndex: journey.stageIndex,
      stageCount: spec.stages.length,
      touchpoint: stage.touchpoint,
      channel: stage.channel,
      outcome,
      latencyMs: journey.latencyMs,
      customerId: journey.customerId,
      segment: journey.segment,
    };
    if (journey.errorCode !== undefined) e.errorCode = journey.errorCode;
    this.emit(e);
    const rng = this.rng;
    if (outcome === 'success') {
      journey.retries = 0;
      if (journey.stageIndex + 1 < spec.stages.length) {
        const handoff =
          this.handoffs.size > 0 ? this.handoffs.get(`${spec.journey}/${stage.stage}`) : undefined;
        // Lost between stages: nothing more is ever heard of this journey.
        if (handoff !== undefined && this.handoffRng.chance(handoff.lossProbability)) return;
        journey.stageIndex++;
        const gap = rng.logNormal(STAGE_GAP.medianMs, STAGE_GAP.sigma) * (handoff?.gapMultiplier ?? 1);
        this.journeyNextStart(journey, t + gap);
      } else if (rng.chance(this.journeySurveyProbability)) {
        this.scheduleJourneySurvey(journey, stage, t);
      }
    } else if (outcome === 'failure') {
      journey.failures++;
      if (journey.retries < MAX_RETRIES && rng.chance(RETRY_PROBABILITY)) {
        journey.retries++;
        this.journeyNextStart(journey, t + rng.logNormal(STAGE_GAP.medianMs, STAGE_GAP.sigma));
      } else {
        // Gives up after the failure: the stage ends abandoned once the customer leaves.
        const stayed = rng.logNormal(5000, 0.6);
        this.journeyDone(journey, t + stayed, 'abandoned', Math.round(stayed), undefined);
      }
    } else if (journey.failures > 0) {
      // Abandoned after failures: some customers then try a person instead.
      if (rng.chance(spec.fallbackProbability * this.fallbackScale)) {
        const customer = parseInt(journey.customerId.slice(3), 36);
        const at = t + rng.logNormal(CALLBACK_AFTER_JOURNEY.medianMs, CALLBACK_AFTER_JOURNEY.sigma);
        this.schedule({ t: at, seq: 0, kind: 'callback', queue: this.queueRt(spec.fallbackQueue), customer });
      }
      if (rng.chance(Math.min(1, this.journeySurveyProbability * 2)))
        this.scheduleJourneySurvey(journey, stage, t);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Surveys

  /**
   * Satisfaction is a latent score in [0, 1]: a good baseline, minus a penalty that saturates with
   * the wait (half of the maximum at two minutes), minus fixed penalties for an unresolved or
   * transferred contact. csat, nps and ces are noisy readings of it.
   */
  private scheduleContactSurvey(c: Contact, resolved: boolean, t: number): void {
    const rng = this.rng;
    const wait = c.firstWaitMs;
    const penaltyWait = (0.45 * wait) / (wait + 120_000);
    const s = clamp01(
      rng.normal(0.8, 0.13) - penaltyWait - (resolved ? 0 : 0.35) - (c.transferred ? 0.08 : 0),
    );
    const tags: string[] = [];
    if (wait > 90_000 && rng.chance(0.7)) tags.push(NEGATIVE_TAGS_BY_CAUSE.wait);
    if (!resolved && rng.chance(0.7)) tags.push(NEGATIVE_TAGS_BY_CAUSE.unresolved);
    if (c.transferred && rng.chance(0.5)) tags.push(NEGATIVE_TAGS_BY_CAUSE.transferred);
    if (s < 0.4 && tags.length === 0 && rng.chance(0.5)) tags.push(rng.pick(GENERIC_NEGATIVE_TAGS));
    if (s > 0.7 && rng.chance(0.5)) tags.push(rng.pick(POSITIVE_TAGS));
    const survey = this.survey(s, tags, t, SURVEY_DELAY);
    survey.queue = c.queue.name;
    survey.channel = c.queue.channel;
    survey.contactId = c.id;
    survey.customerId = c.customerId;
    survey.segment = c.segment;
    this.schedule({ t: survey.ts, seq: 0, kind: 'survey', survey });
  }

  private scheduleJourneySurvey(journey: Journey, stage: StageSpec, t: number): void {
    const rng = this.rng;
    const s = clamp01(rng.normal(0.78, 0.13) - 0.2 * journey.failures);
    const tags: string[] = [];
    if (journey.failures > 0) tags.push(NEGATIVE_TAGS_BY_CAUSE.failure);
    else if (rng.chance(0.5)) tags.push('easy-app');
    const survey = this.survey(s, tags, t, JOURNEY_SURVEY_DELAY);
    survey.journey = journey.spec.journey;
    survey.touchpoint = stage.touchpoint;
    survey.channel = stage.channel;
    survey.customerId = journey.customerId;
    survey.segment = journey.segment;
    this.schedule({ t: survey.ts, seq: 0, kind: 'survey', survey });
  }

  /** The scores and text of a survey; the id is assigned now, the event is emitted at its ts. */
  private survey(s: number, tags: string[], t: number, delay: LogNormalSpec): SurveyResponseEvent {
    const rng = this.rng;
    const at = t + rng.logNormal(delay.medianMs, delay.sigma);
    const survey: SurveyResponseEvent = {
      id: this.nextId(),
      type: 'survey.response',
      ts: Math.floor(at),
      csat: clampInt(1 + 4 * s + rng.normal(0, 0.35), 1, 5),
    };
    if (rng.chance(0.5)) survey.nps = clampInt(10 * s + rng.normal(0, 0.8), 0, 10);
    // CES as in CES 2.0: 7 = "the company made it easy".
    if (rng.chance(0.4)) survey.ces = clampInt(1 + 6 * s + rng.normal(0, 0.5), 1, 7);
    if (tags.length > 0) survey.tags = tags;
    if (rng.chance(0.3))
      survey.comment = rng.pick(s >= 0.55 ? SURVEY_COMMENTS.positive : SURVEY_COMMENTS.negative);
    return survey;
  }

  // -------------------------------------------------------------------------------------------
  // Social

  private scheduleSocial(t: number): void {
    const surge = this.surge?.multiplier ?? 1;
    const rate = this.plan.socialPostsPerSecond * this.season('digital', t) * surge;
    this.schedule({ t: this.nextArrivalTime(rate, t), seq: 0, kind: 'social' });
  }

  private socialPost(t: number): void {
    const rng = this.rng;
    const surge = this.surge;
    let topic = rng.pick(SOCIAL_TOPICS);
    let shift = 0;
    let reachMultiplier = 1;
    // During a surge the extra posts (multiplier − 1 of every multiplier) are about the surge topic.
    if (surge !== undefined && rng.chance((surge.multiplier - 1) / surge.multiplier)) {
      topic = SOCIAL_TOPICS.find((s) => s.topic === surge.topic) ?? topic;
      shift = surge.shift;
      reachMultiplier = surge.reach;
    }
    const sentiment = Math.max(-1, Math.min(1, rng.normal(topic.sentiment + 0.05, 0.45) + shift));
    const rounded = Math.round(sentiment * 100) / 100;
    const mood = rounded > 0.25 ? 'positive' : rounded < -0.25 ? 'negative' : 'neutral';
    const tags = [...topic.tags];
    if (mood === 'negative') tags.push('complaint');
    else if (mood === 'positive') tags.push('praise');
    const platform = PLATFORMS[pickCumulative(this.platformCumulative, rng.next())] as { platform: string };
    const e: SocialFeedbackEvent = {
      id: this.nextId(),
      type: 'feedback.social',
      ts: Math.floor(t),
      platform: platform.platform,
      sentiment: rounded,
      text: rng.pick(SOCIAL_TEXT[mood]),
      tags,
      reach: Math.min(5_000_000, Math.floor(rng.pareto(30, 1.1) * reachMultiplier)),
      touchpoint: topic.topic,
    };
    this.emit(e);
  }
}

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * Splits the event budget: 60 % contact-centre traffic, 4 % social, the rest digital journeys.
 * The contact rate is capped so the peak headcount stays under `maxAgents`; what the cap takes from
 * the contact centre goes to journeys, so the total still meets `rate`.
 */
export function planTraffic(rate: number, maxAgents: number, seasonal: boolean): TrafficPlan {
  let agentsPerContactPerSecond = 0;
  let voiceShare = 0;
  for (const q of QUEUES) if (q.channel === VIP_ROUTED_CHANNEL) voiceShare += q.share;
  for (const q of QUEUES) {
    const peak = seasonal ? Math.max(...profileValues(q.profile)) : 1;
    const share = q.name === VIP_QUEUE ? voiceShare * VIP_SHARE : q.share;
    agentsPerContactPerSecond += (share * peak * EXTRA_DEMAND * meanHandleMs(q)) / 1000;
  }
  const wanted = (rate * CONTACT_SHARE) / EVENTS_PER_CONTACT;
  const contactsPerSecond = Math.min(wanted, (maxAgents * 0.9) / agentsPerContactPerSecond);
  const contactEvents = contactsPerSecond * EVENTS_PER_CONTACT;
  const socialPostsPerSecond = rate * SOCIAL_SHARE;
  const journeysPerSecond = Math.max(0, rate - contactEvents - socialPostsPerSecond) / EVENTS_PER_JOURNEY;
  return { contactsPerSecond, journeysPerSecond, socialPostsPerSecond };
}

function profileValues(profile: DemandProfile): number[] {
  const values: number[] = [];
  for (let h = 0; h < 24; h++) values.push(seasonality(profile, h * 3_600_000 + 1_800_000));
  return values;
}

function isActive(inc: Incident, offsetMs: number): boolean {
  return offsetMs >= inc.fromMs && (inc.toMs === undefined || offsetMs < inc.toMs);
}

function shift(q: QueueRt, lane: 'vip' | 'std'): Contact | undefined {
  const items = lane === 'vip' ? q.vip : q.std;
  let head = lane === 'vip' ? q.vipHead : q.stdHead;
  let found: Contact | undefined;
  while (head < items.length) {
    const c = items[head++] as Contact;
    if (c.waiting) {
      found = c;
      break;
    }
  }
  // Compact once the consumed prefix dominates, so long runs do not grow the arrays forever.
  if (head > 1024 && head * 2 > items.length) {
    items.splice(0, head);
    head = 0;
  }
  if (lane === 'vip') q.vipHead = head;
  else q.stdHead = head;
  return found;
}

function cumulative(weights: readonly number[]): number[] {
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}

function pickCumulative(cum: readonly number[], u: number): number {
  for (let i = 0; i < cum.length; i++) if (u < (cum[i] as number)) return i;
  return cum.length - 1;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}

function clampInt(x: number, lo: number, hi: number): number {
  const r = Math.round(x);
  return r < lo ? lo : r > hi ? hi : r;
}
