/**
 * `cxpulse detect`: runs a streaming anomaly detector over a `timestamp,value` CSV on stdin and
 * writes `timestamp,value,anomaly_score,is_anomaly` to stdout, one row per input row, in order,
 * as each row arrives. The detector is the same code alerting uses (src/alerts/detectors/).
 */
import { createInterface } from 'node:readline';
import { once } from 'node:events';
import {
  DEFAULT_DETECTOR,
  DETECTOR_NAMES,
  createDetector,
  isDetectorName,
} from '../alerts/detectors/registry.js';
import { CxPulseError } from '../errors/codes.js';
import { EXIT_OK, EXIT_USAGE, numberOption, parseOptions, type Command } from './command.js';

const OPTIONS = {
  detector: { type: 'string' },
  threshold: { type: 'string' },
} as const;

export interface SeriesRow {
  ts: number;
  value: number;
  /** The fields as written, echoed unchanged in the output. */
  timestampText: string;
  valueText: string;
}

const NAIVE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const ZONED = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/;

/**
 * Epoch ms from `YYYY-MM-DD HH:MM:SS[.fff]` (no zone: read as UTC, which keeps time-of-day slots
 * where the file put them), ISO-8601 with a zone, or an integer of epoch milliseconds.
 */
export function parseTimestamp(text: string): number | undefined {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const m = NAIVE.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac] = m;
    const ms = frac ? Number(frac.slice(0, 3).padEnd(3, '0')) : 0;
    const t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    // Date.UTC rolls 2014-02-30 over into March (and month 13 into January); a round trip catches it.
    const back = new Date(t);
    const same =
      back.getUTCMonth() === Number(mo) - 1 &&
      back.getUTCDate() === Number(d) &&
      back.getUTCHours() === Number(h) &&
      back.getUTCMinutes() === Number(mi) &&
      back.getUTCSeconds() === Number(s);
    return same ? t : undefined;
  }
  if (ZONED.test(text)) {
    const t = Date.parse(text);
    return Number.isFinite(t) ? t : undefined;
  }
  return undefined;
}

/** One data line (no CR) → a row, or a message naming what is wrong with it. */
export function parseSeriesLine(line: string): SeriesRow | string {
  const fields = line.split(',');
  if (fields.length !== 2) return `expected 2 fields (timestamp,value), got ${fields.length}`;
  const timestampText = fields[0]!.trim();
  const valueText = fields[1]!.trim();
  const ts = parseTimestamp(timestampText);
  if (ts === undefined)
    return `timestamp "${timestampText}" is not ISO-8601, YYYY-MM-DD HH:MM:SS or epoch milliseconds`;
  const value = valueText === '' ? NaN : Number(valueText);
  if (!Number.isFinite(value)) return `value "${valueText}" is not a number`;
  return { ts, value, timestampText, valueText };
}

/** Reads `timestamp,value` rows one by one; throws CXP_ERR_INPUT_INVALID naming the line. */
export async function* readSeries(input: NodeJS.ReadableStream): AsyncGenerator<SeriesRow> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let sawHeader = false;
  for await (const raw of lines) {
    lineNo++;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    if (!sawHeader) {
      if (
        line
          .replace(/^\uFEFF/, '')
          .replace(/\s/g, '')
          .toLowerCase() !== 'timestamp,value'
      )
        throw invalid(lineNo, `expected the header "timestamp,value", got "${line}"`);
      sawHeader = true;
      continue;
    }
    const row = parseSeriesLine(line);
    if (typeof row === 'string') throw invalid(lineNo, row);
    yield row;
  }
  if (!sawHeader) throw invalid(lineNo, 'no header "timestamp,value" (empty input)');
}

function invalid(lineNo: number, message: string): CxPulseError {
  return new CxPulseError('CXP_ERR_INPUT_INVALID', `line ${lineNo}: ${message}`);
}

/** Scores print with up to 6 decimals: enough to rank, short enough to read. */
function formatScore(score: number): string {
  return String(Math.round(score * 1e6) / 1e6);
}

export const detectCommand: Command = {
  name: 'detect',
  summary: 'score a timestamp,value CSV on stdin with a streaming anomaly detector',
  usage: `Usage: cxpulse detect [--detector NAME] [--threshold X] < series.csv

Reads CSV from stdin with the header "timestamp,value" (timestamps ISO-8601 with a zone,
YYYY-MM-DD HH:MM:SS read as UTC, or epoch milliseconds; LF or CRLF) and writes, as each row
arrives, one row per input row in the same order:
  timestamp,value,anomaly_score,is_anomaly
anomaly_score is in 0..1 (0.5 is the detector's own alarm level), is_anomaly is 1 or 0.
A malformed row stops the run with exit code 2 and a message naming its line.

Options:
  --detector NAME   ${DETECTOR_NAMES.join(', ')} (default ${DEFAULT_DETECTOR}; docs/alerting.md)
  --threshold X     alarm when the score is ≥ X, 0 < X ≤ 1 (default 0.5)
  --help            show this help
`,
  async run(argv, io) {
    const { values } = parseOptions(argv, OPTIONS);
    const name = values.detector ?? DEFAULT_DETECTOR;
    if (!isDetectorName(name))
      throw new CxPulseError(
        'CXP_ERR_CLI_USAGE',
        `--detector must be one of ${DETECTOR_NAMES.join(', ')}, got "${name}"`,
      );
    const threshold = numberOption(values.threshold, 'threshold', 0.5, 0);
    if (threshold <= 0 || threshold > 1)
      throw new CxPulseError('CXP_ERR_CLI_USAGE', `--threshold must be in (0, 1], got "${values.threshold}"`);
    const detector = createDetector(name, threshold);

    const out = io.stdout;
    const write = async (text: string) => {
      if (!out.write(text)) await once(out, 'drain');
    };
    await write('timestamp,value,anomaly_score,is_anomaly\n');
    try {
      for await (const row of readSeries(io.stdin)) {
        const r = detector.update(row.ts, row.value);
        await write(`${row.timestampText},${row.valueText},${formatScore(r.score)},${r.isAnomaly ? 1 : 0}\n`);
      }
    } catch (error) {
      if (error instanceof CxPulseError && error.code === 'CXP_ERR_INPUT_INVALID') {
        // Bad input is a usage error here: the message names the line to fix.
        io.stderr.write(`cxpulse detect: ${error.message}\n`);
        return EXIT_USAGE;
      }
      throw error;
    }
    return EXIT_OK;
  },
};
