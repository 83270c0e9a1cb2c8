/** Valid ranges of the survey scales; answers outside them are ignored, never clamped. */
export function isCsat(value: number | undefined): value is number {
  return value !== undefined && value >= 1 && value <= 5;
}

export function isNps(value: number | undefined): value is number {
  return value !== undefined && value >= 0 && value <= 10;
}

export function isCes(value: number | undefined): value is number {
  return value !== undefined && value >= 1 && value <= 7;
}

export function isSentiment(value: number | undefined): value is number {
  return value !== undefined && value >= -1 && value <= 1;
}
