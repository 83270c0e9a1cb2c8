/**
 * `cxpulse replay`: runs pipelines over a file of events in event time, as fast as it can read, and
 * writes every final indicator value (and correction) as one JSON line. For backfills, recomputing
 * history after a definition changes, and tests.
 *
 * Processing time is a virtual clock that never moves: no early firings and no idle advance, so the
 * output depends on the file alone, never on how fast it was read.
 */
import { Subject, VirtualTimeScheduler, merge } from 'rxjs';
import { loadPipelines } from '../config/pipeline-loader.js';
import { CxPulseError } from '../errors/codes.js';
import { decodeBatch } from '../events/decode.js';
import type { CxEvent } from '../events/types.js';
import { readJsonlBatches } from '../sources/replay/jsonl-batches.js';
import type { IndicatorValue } from '../windows/indicator-value.js';
import { pipelineIndicators } from '../windows/pipeline-indicators.js';
import { EXIT_OK, numberOption, parseOptions, type Command } from './command.js';

const OPTIONS = {
  pipeline: { type: 'string', multiple: true },
  input: { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

/** The replay output line: the value and the parts it was computed from, so it can be re-aggregated. */
export function replayLine(v: IndicatorValue): string {
  const parts: Record<string, unknown> = {};
  if (v.numerator !== undefined) parts.numerator = v.numerator;
  if (v.denominator !== undefined) parts.denominator = v.denominator;
  if (v.samples !== undefined) parts.samples = v.samples;
  if (v.quantiles !== undefined) parts.quantiles = v.quantiles;
  if (v.parts !== undefined) Object.assign(parts, v.parts);
  return JSON.stringify({
    pipeline: v.pipeline,
    indicator: v.indicator,
    window: v.window,
    key: v.key,
    windowStart: new Date(v.windowStart).toISOString(),
    windowEnd: new Date(v.windowEnd).toISOString(),
    value: v.value,
    parts,
    kind: v.kind,
    version: v.version,
  });
}

export const replayCommand: Command = {
  name: 'replay',
  summary: 'run pipelines over a JSON-lines file of events and print every final value',
  usage: `Usage: cxpulse replay --pipeline FILE [--pipeline FILE …] --input FILE|-

Reads one event per line (the same contract and validation as Kafka messages; no event-time bounds,
history is welcome), runs the pipelines in event time without waiting, and writes every final value
and every correction as one JSON line to stdout:
  {"pipeline","indicator","window","key","windowStart","windowEnd","value","parts","kind","version"}
Lines that are not valid events are reported on stderr as JSON with their line number and reason,
and counted in the closing summary; they never stop the replay.

Options:
  --pipeline FILE     pipeline definition (repeatable)
  --input FILE|-      events as JSON lines; - for stdin
  --batch-size N      lines per batch (default 1000)
  --help              show this help
`,
  async run(argv, io) {
    const { values } = parseOptions(argv, OPTIONS);
    if (!values.pipeline || values.pipeline.length === 0)
      throw new CxPulseError('CXP_ERR_CLI_USAGE', '--pipeline FILE is required');
    if (!values.input)
      throw new CxPulseError('CXP_ERR_CLI_USAGE', '--input FILE (or - for stdin) is required');
    const batchSize = numberOption(values['batch-size'], 'batch-size', 1000, 1);
    const pipelines = loadPipelines(values.pipeline);

    const clock = new VirtualTimeScheduler();
    const events$ = new Subject<CxEvent[]>();
    let written = 0;
    const done = new Promise<void>((resolve, reject) => {
      merge(
        ...pipelines.map((p) =>
          events$.pipe(
            pipelineIndicators(p, {
              scheduler: clock,
              onRejected: (r) => io.stderr.write(`${JSON.stringify({ rejected: r })}\n`),
            }),
          ),
        ),
      ).subscribe({
        next: (batch) => {
          let text = '';
          for (const v of batch) {
            if (v.kind === 'early') continue;
            text += `${replayLine(v)}\n`;
            written++;
          }
          if (text) io.stdout.write(text);
        },
        error: reject,
        complete: resolve,
      });
    });

    let eventsRead = 0;
    const deadByReason: Record<string, number> = {};
    const input = values.input === '-' ? io.stdin : values.input;
    try {
      for await (const batch of readJsonlBatches(input, { batchSize })) {
        const decoded = decodeBatch(batch, Date.now(), {
          maxPastMs: Infinity,
          maxFutureMs: Infinity,
          topic: 'replay',
        });
        for (const d of decoded.deadLetters) {
          deadByReason[d.reason] = (deadByReason[d.reason] ?? 0) + 1;
          io.stderr.write(
            `${JSON.stringify({ line: Number(d.source.offset), reason: d.reason, detail: d.detail })}\n`,
          );
        }
        eventsRead += decoded.events.length;
        if (decoded.events.length > 0) events$.next(decoded.events);
      }
    } catch (error) {
      throw new CxPulseError(
        'CXP_ERR_INPUT_INVALID',
        `cannot read ${values.input}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    events$.complete();
    await done;
    const dead = Object.values(deadByReason).reduce((a, b) => a + b, 0);
    io.stderr.write(
      `replay: ${eventsRead} events, ${dead} rejected lines${
        dead
          ? ` (${Object.entries(deadByReason)
              .map(([r, n]) => `${r}: ${n}`)
              .join(', ')})`
          : ''
      }, ${written} values\n`,
    );
    return EXIT_OK;
  },
};
