/**
 * What the ClickHouse server can do, from its version. The schema and the retention job ask these
 * questions instead of comparing version numbers themselves.
 *
 * Thresholds are the releases that introduced each feature (ClickHouse changelog):
 * - LowCardinality without an experimental setting: 19.9 (18.16 needs
 *   `allow_experimental_low_cardinality_type=1`, which we do not turn on).
 * - Table TTL: 19.6. DateTime64 and fromUnixTimestamp64Milli: 20.1 (the function 20.5).
 * - Server-side query parameters: 19.11 (not used: see sql.ts).
 */

export interface ServerCapabilities {
  /** As the server reports it, e.g. `18.16.1` or `24.8.4.13`. */
  version: string;
  lowCardinality: boolean;
  ttl: boolean;
  dateTime64: boolean;
}

export function parseServerVersion(version: string): number[] {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(version.trim());
  if (!match) return [0, 0, 0];
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

function atLeast(version: readonly number[], major: number, minor: number): boolean {
  const [a = 0, b = 0] = version;
  return a > major || (a === major && b >= minor);
}

export function capabilitiesOf(version: string): ServerCapabilities {
  const v = parseServerVersion(version);
  return {
    version,
    lowCardinality: atLeast(v, 19, 9),
    ttl: atLeast(v, 19, 6),
    dateTime64: atLeast(v, 20, 5),
  };
}
