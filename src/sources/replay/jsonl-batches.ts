/**
 * Reads a JSON-lines file (or stdin) as batches of raw messages, numbered by line, so replay goes
 * through the same decoder and dead-letter reasons as Kafka, and an error can name its line.
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { RawEventMessage } from '../../events/decode.js';

export interface JsonlBatchOptions {
  /** Lines per batch. Default 1000. */
  batchSize?: number;
}

/** Yields batches of { value, offset = line number }; blank lines are skipped, not dead-lettered. */
export async function* readJsonlBatches(
  input: string | NodeJS.ReadableStream,
  options: JsonlBatchOptions = {},
): AsyncGenerator<RawEventMessage[]> {
  const batchSize = options.batchSize ?? 1000;
  const stream = typeof input === 'string' ? createReadStream(input) : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let batch: RawEventMessage[] = [];
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    batch.push({ value: line, offset: String(lineNo) });
    if (batch.length >= batchSize) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}
