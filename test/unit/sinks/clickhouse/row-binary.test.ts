/**
 * RowBinary bodies: the builder's encodings, the per-table encoders read back by their column
 * lists, the event encoder against the row mapping it replaces, and the column check.
 */
import { describe, expect, it } from 'vitest';
import type { CxEvent } from '../../../../src/events/types.js';
import type { IndicatorValue } from '../../../../src/windows/indicator-value.js';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';
import {
  insertColumnProblems,
  RowBinaryBuilder,
  type DescribedColumn,
} from '../../../../src/sinks/clickhouse/row-binary.js';
import {
  alertEncoder,
  deadLetterEncoder,
  encodeIndicatorValues,
  encodeInteractionEvents,
  indicatorValueEncoder,
  interactionEncoder,
} from '../../../../src/sinks/clickhouse/row-encoders.js';
import {
  alertRow,
  deadLetterRow,
  indicatorValueRow,
  interactionRow,
} from '../../../../src/sinks/clickhouse/rows.js';
import { decodeRowBinary } from './row-binary-decoder.js';

const pseudonymise = createPseudonymiser('unit-test-secret');
const TS = Date.UTC(2025, 2, 1, 10, 0, 0, 123);
const HOSTILE = [
  '',
  `'; DROP TABLE x; --`,
  'tab\tnew\nline\rcr\\back',
  'nul\0inside',
  'Zürich ✓ 日本語 🙂',
  '\u2028\u2029',
  'x'.repeat(42),
  'é'.repeat(43),
  '日'.repeat(200),
];

const EVENTS: CxEvent[] = [
  {
    id: HOSTILE[1]!,
    type: 'contact.ended',
    ts: TS,
    v: 1,
    region: HOSTILE[2],
    segment: 'vip',
    channel: 'voice',
    queue: HOSTILE[4]!,
    contactId: HOSTILE[3]!,
    customerId: 'customer-4242',
    waitMs: 1500.5,
    talkMs: 60_000,
    holdMs: 0,
    wrapMs: 12,
    resolved: false,
    agentId: 'agent-7',
    toQueue: HOSTILE[7],
  },
  { id: 'a', type: 'agent.state', ts: TS + 1, agentId: 'a-1', team: 't', queues: HOSTILE, state: 'busy' },
  {
    id: 's',
    type: 'survey.response',
    ts: TS + 2,
    csat: 5,
    nps: 0,
    ces: 7,
    comment: HOSTILE[8],
    tags: ['a', HOSTILE[5]!],
    touchpoint: 'web',
    journey: 'pay',
    queue: 'q',
    channel: 'chat',
    contactId: 'c',
  },
  {
    id: 'f',
    type: 'feedback.social',
    ts: TS + 3,
    platform: 'x',
    sentiment: -0.25,
    text: HOSTILE[6],
    reach: 0,
  },
  {
    id: 't',
    type: 'touchpoint.event',
    ts: TS + 4,
    journeyId: 'j',
    journey: 'sign-up',
    stage: 'verify',
    stageIndex: 4_294_967_296,
    stageCount: 3,
    touchpoint: 'app',
    outcome: 'failure',
    latencyMs: 20.5,
    errorCode: 'E1',
    customerId: '',
  },
];

describe('RowBinaryBuilder', () => {
  it('writes strings as varint byte length + UTF-8, across the one-byte length shortcut and beyond', () => {
    for (const value of HOSTILE) {
      const b = new RowBinaryBuilder(1);
      b.string(value);
      const body = b.finish();
      const bytes = Buffer.from(value, 'utf8');
      const prefix = bytes.length < 128 ? [bytes.length] : [(bytes.length & 0x7f) | 0x80, bytes.length >> 7];
      expect([...body.subarray(0, prefix.length)], JSON.stringify(value)).toEqual(prefix);
      expect(body.subarray(prefix.length).equals(bytes)).toBe(true);
    }
  });

  it('writes NULL for nullable integers the column cannot hold, and refuses them in plain columns', () => {
    const b = new RowBinaryBuilder();
    b.nullableUInt8(256);
    b.nullableUInt8(1.5);
    b.nullableUInt32(-1);
    b.nullableFloat64(Number.NaN);
    b.nullableUInt64(2 ** 53);
    expect([...b.finish()]).toEqual([1, 1, 1, 1, 1]);
    expect(() => new RowBinaryBuilder().uint8(300)).toThrow(/UInt8/);
    expect(() => new RowBinaryBuilder().uint64(-1)).toThrow(/UInt64/);
  });

  it('writes UInt64 little-endian above 2^32', () => {
    const b = new RowBinaryBuilder();
    b.uint64(TS);
    expect(b.finish().readBigUInt64LE(0)).toBe(BigInt(TS));
  });
});

describe('table encoders', () => {
  it('write interaction rows that read back as the rows, and events the same bytes as their rows', () => {
    const rows = EVENTS.map((e) => interactionRow(e, pseudonymise));
    const body = interactionEncoder.encode(rows);
    const decoded = decodeRowBinary(body, interactionEncoder.columns);
    // stage_index 2^32 does not fit UInt32: stored NULL, not wrapped.
    expect(decoded).toEqual(
      rows.map((r) => (r.stage_index === 4_294_967_296 ? { ...r, stage_index: null } : r)),
    );
    expect(encodeInteractionEvents(EVENTS, pseudonymise).equals(body)).toBe(true);
    expect(body.includes(Buffer.from('customer-4242'))).toBe(false);
  });

  it('write indicator values straight from the values the same bytes as from their rows', () => {
    const base: IndicatorValue = {
      pipeline: 'calls',
      indicator: 'asa',
      window: '5m/10s',
      key: { queue: HOSTILE[4]!, channel: 'voice' },
      keyId: `channel=voice,queue=${HOSTILE[4]!}`,
      windowStart: TS,
      windowEnd: TS + 300_000,
      value: 12.5,
      kind: 'final',
      version: 1,
    };
    const values: IndicatorValue[] = [
      base,
      { ...base, value: null, numerator: 0, denominator: 0, kind: 'early', version: 0 },
      {
        ...base,
        value: Number.NaN,
        samples: 7,
        quantiles: { p99: 9, p50: 1, p90: Number.POSITIVE_INFINITY },
      },
      { ...base, key: {}, keyId: '', parts: { low: 3, high: 4 }, kind: 'correction', version: 5 },
    ];
    const rows = values.map((v) => indicatorValueRow(v, TS + 61_000));
    expect(encodeIndicatorValues(values, TS + 61_000).equals(indicatorValueEncoder.encode(rows))).toBe(true);
  });

  it('write indicator value, alert and dead-letter rows that read back as the rows', () => {
    const values = [
      indicatorValueRow(
        {
          pipeline: 'calls',
          indicator: 'asa',
          window: '1m',
          key: { queue: HOSTILE[2]!, channel: 'voice' },
          keyId: 'k',
          windowStart: TS,
          windowEnd: TS + 60_000,
          value: 1.5,
          numerator: null,
          denominator: Number.POSITIVE_INFINITY,
          samples: 3,
          quantiles: { p50: 1, p99: 2.5 },
          parts: { a: 1 },
          kind: 'correction',
          version: 3,
        } as never,
        TS,
      ),
    ];
    expect(decodeRowBinary(indicatorValueEncoder.encode(values), indicatorValueEncoder.columns)).toEqual(
      values,
    );
    const alerts = [
      alertRow({ id: 'x', rule: 'r', severity: 'page', state: 'firing', startsAt: TS, updatedAt: TS + 1 }),
      alertRow({
        id: 'y',
        rule: HOSTILE[1]!,
        severity: 's',
        state: 'resolved',
        labels: { b: HOSTILE[4]!, a: '1' },
        value: 2,
        startsAt: TS,
        endsAt: TS + 5,
        acknowledged: true,
        acknowledgedAt: TS + 2,
        updatedAt: TS + 6,
      }),
    ];
    expect(decodeRowBinary(alertEncoder.encode(alerts), alertEncoder.columns)).toEqual(alerts);
    const deadLetters = [
      deadLetterRow(
        {
          reason: 'invalid_json',
          detail: HOSTILE[2]!,
          source: { topic: 't', partition: 3, offset: '18446744073709551615' },
          originalBytes: Buffer.from('{"customerId":"c-1", bad'),
          ts: TS,
        } as never,
        pseudonymise,
      ),
    ];
    expect(decodeRowBinary(deadLetterEncoder.encode(deadLetters), deadLetterEncoder.columns)).toEqual(
      deadLetters,
    );
  });
});

describe('insertColumnProblems', () => {
  const described = (columns: Array<[string, string, string?]>): DescribedColumn[] =>
    columns.map(([name, type, defaultType = '']) => ({ name, type, default_type: defaultType }));

  it('accepts LowCardinality(String) for String and ignores MATERIALIZED columns we do not write', () => {
    const table = described([
      ['a', 'LowCardinality(String)'],
      ['b', 'Nullable(UInt8)'],
      ['t', "DateTime('UTC')", 'MATERIALIZED'],
    ]);
    expect(
      insertColumnProblems(
        [
          ['a', 'String'],
          ['b', 'Nullable(UInt8)'],
        ],
        table,
      ),
    ).toEqual([]);
  });

  it('names a changed type, a missing column and a column we would leave unwritten', () => {
    const table = described([
      ['a', 'String'],
      ['b', 'UInt16'],
      ['c', 'String'],
    ]);
    expect(
      insertColumnProblems(
        [
          ['a', 'String'],
          ['b', 'UInt8'],
          ['d', 'String'],
        ],
        table,
      ),
    ).toEqual(['column b is UInt16, we write UInt8', 'column d is missing', 'column c is not written']);
  });
});
