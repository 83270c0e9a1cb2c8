/**
 * Durations in configuration text: an integer and a unit, e.g. `500ms`, `20s`, `5m`, `1h`, `1d`.
 * Integers only, one unit only: `1.5h` or `1h30m` are rejected rather than guessed at; write `90m`.
 */

/** JSON Schema pattern for a duration string; the schemas and the error formatter share it. */
export const DURATION_PATTERN = '^(0|[1-9][0-9]*)(ms|s|m|h|d)$';

const DURATION_RE = new RegExp(DURATION_PATTERN);

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** Milliseconds of a duration string, or undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION_RE.exec(text);
  if (!match) return undefined;
  const unit = match[2] as keyof typeof UNIT_MS;
  return Number(match[1]) * UNIT_MS[unit];
}

/** The shortest exact duration string for a number of milliseconds (inverse of parseDuration). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
