// Formatting of indicator values for the wallboard, by unit (see src/indicators/registry.ts).

export function formatValue(value, unit, indicator) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'ratio':
      return `${(value * 100).toFixed(value >= 0.995 || value < 0.1 ? 1 : 0)}%`;
    case 'seconds':
      return formatSeconds(value);
    case 'ms':
      return value >= 1000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)} ms`;
    case 'count':
      return String(Math.round(value));
    case 'score':
      return indicator === 'ces' || indicator === 'sentiment' ? value.toFixed(2) : String(Math.round(value));
    default:
      return String(value);
  }
}

export function formatSeconds(s) {
  if (s < 60) return `${Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.round(s - m * 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

export function formatAge(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  return `${Math.floor(s / 3600)} h ago`;
}

const RANK = { ok: 1, warn: 2, breach: 3 };

/** The worse of two statuses (null = no target). */
export function worst(a, b) {
  return (RANK[b] ?? 0) > (RANK[a] ?? 0) ? b : a;
}
