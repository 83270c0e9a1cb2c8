/**
 * Validated decode rate versus a bare `JSON.parse` of the same bytes, same run.
 *
 * Input: a realistic mix of event types, about 300 bytes each, as Buffers (what kafkajs hands over),
 * mostly epoch-ms timestamps with some ISO strings, decoded in batches of 500 like a Kafka fetch.
 * Baseline: `JSON.parse(buffer.toString('utf8'))` per message, the least any consumer must do.
 * Targets (docs/events.md): ≥ 400 000 events/s and ratio ≥ 0.6.
 */
import { decodeBatch, decodeEvent, type RawEventMessage } from '../src/events/decode.js';
import { compared, measureRates, type BenchResult } from './harness.js';

export const name = 'decode';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);
const MESSAGES = 20_000;
const BATCH = 500;

/** Deterministic, so every run decodes the same bytes. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makeMessages(count: number): RawEventMessage[] {
  const rnd = mulberry32(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  const queues = ['billing', 'tech-support', 'sales', 'retention', 'onboarding'];
  const channels = ['voice', 'chat', 'email', 'app'] as const;
  const regions = ['eu-west', 'us-east', 'apac'];
  const messages: RawEventMessage[] = [];
  for (let i = 0; i < count; i++) {
    const tsMs = NOW - int(0, 120_000);
    // One producer in ten writes ISO strings.
    const ts = i % 10 === 0 ? new Date(tsMs).toISOString() : tsMs;
    const base = {
      id: `evt-${i.toString(36).padStart(8, '0')}-${int(1e8, 9e8)}`,
      ts,
      v: 1,
      region: pick(regions),
      segment: rnd() < 0.2 ? 'vip' : 'standard',
    };
    const r = rnd();
    let event: Record<string, unknown>;
    if (r < 0.45) {
      event = {
        ...base,
        type: pick(['contact.queued', 'contact.answered', 'contact.abandoned', 'contact.ended']),
        channel: pick(channels),
        queue: pick(queues),
        contactId: `c-${int(1e9, 9e9)}`,
        customerId: `cust-${int(1e6, 9e6)}`,
        waitMs: int(0, 600_000),
        talkMs: int(0, 900_000),
        holdMs: int(0, 60_000),
        agentId: `agent-${int(100, 999)}`,
        resolved: rnd() < 0.7,
      };
    } else if (r < 0.6) {
      event = {
        ...base,
        type: 'agent.state',
        agentId: `agent-${int(100, 999)}`,
        team: pick(['north', 'south', 'east']),
        queues: [pick(queues), pick(queues), pick(queues)],
        // Not in the contract: producers add fields ahead of consumers, and the decoder must carry them.
        reasonCode: rnd() < 0.5 ? 'lunch-break' : 'after-call-work',
        state: pick(['available', 'busy', 'wrap', 'away']),
      };
    } else if (r < 0.75) {
      event = {
        ...base,
        type: 'survey.response',
        csat: int(1, 5),
        nps: int(0, 10),
        comment: 'Quick answer, but I had to repeat my account number twice.',
        touchpoint: 'post-call',
        queue: pick(queues),
        channel: pick(channels),
        contactId: `c-${int(1e9, 9e9)}`,
      };
    } else if (r < 0.85) {
      event = {
        ...base,
        type: 'feedback.social',
        platform: pick(['x', 'facebook', 'trustpilot']),
        sentiment: Math.round((rnd() * 2 - 1) * 100) / 100,
        text: 'Third outage this month and nobody answers the phone. Seriously considering switching.',
        reach: int(0, 50_000),
        tags: ['outage', 'wait-time'],
      };
    } else {
      event = {
        ...base,
        type: 'touchpoint.event',
        journeyId: `j-${int(1e9, 9e9)}`,
        journey: pick(['sign-up', 'payment', 'password-reset']),
        stage: pick(['start', 'verify-identity', 'confirm']),
        stageIndex: int(0, 2),
        stageCount: 3,
        touchpoint: pick(['web-form', 'app-screen', 'sms-otp']),
        channel: pick(['web', 'app']),
        outcome: pick(['success', 'success', 'success', 'failure', 'abandoned']),
        latencyMs: int(20, 3000),
      };
    }
    messages.push({ value: Buffer.from(JSON.stringify(event)), offset: String(i), partition: 0 });
  }
  return messages;
}

export async function run(): Promise<BenchResult[]> {
  const messages = makeMessages(MESSAGES);
  const bytes = messages.reduce((sum, m) => sum + (m.value as Buffer).length, 0);
  const batches: RawEventMessage[][] = [];
  for (let i = 0; i < messages.length; i += BATCH) batches.push(messages.slice(i, i + BATCH));

  // Fail loudly if the fixture stopped being valid: a benchmark of dead letters measures nothing.
  const check = decodeBatch(messages, NOW, { topic: 'bench' });
  if (check.deadLetters.length > 0) {
    throw new Error(
      `fixture has dead letters: ${check.deadLetters[0]!.reason} ${check.deadLetters[0]!.detail}`,
    );
  }

  let sink = 0; // keeps results observable so V8 cannot drop the work
  const rates = measureRates(
    {
      parse: () => {
        for (const m of messages)
          sink += (JSON.parse((m.value as Buffer).toString('utf8')) as { ts: number }).ts > 0 ? 1 : 0;
        return messages.length;
      },
      decodeBatch: () => {
        for (const batch of batches)
          sink += decodeBatch(batch, NOW, { topic: 'bench', partition: 0 }).events.length;
        return messages.length;
      },
      decodeEvent: () => {
        for (const m of messages) sink += decodeEvent(m.value as Buffer, { now: NOW }).ok ? 1 : 0;
        return messages.length;
      },
    },
    { warmup: 3, rounds: 9 },
  );
  if (sink === 0) throw new Error('nothing decoded');

  const extra = { messages: MESSAGES, avgBytes: Math.round(bytes / MESSAGES), batch: BATCH };
  return [
    compared('decode', 'events/s', rates.decodeBatch, rates.parse, extra),
    compared('decode.single', 'events/s', rates.decodeEvent, rates.parse, extra),
  ];
}
