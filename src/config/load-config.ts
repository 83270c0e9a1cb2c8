/**
 * Loads the application configuration: defaults < file < environment variables.
 *
 * The file (YAML or JSON; path from `--config` or CXPULSE_CONFIG, none by default) and the
 * environment overlay are each validated against APP_CONFIG_SCHEMA before merging, so a problem
 * is reported where it was written: `cxpulse.yaml:3:5: kafka.brokres: unknown key`, or
 * `env PORT: must be an integer 1..65535, got "abc"`. All problems are reported at once.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { ValidateFunction } from 'ajv';
import { APP_CONFIG_SCHEMA, CONFIG_PATTERN_HINTS, DEFAULT_CONFIG, ENV_BINDINGS } from './app-config.js';
import type { AppConfig, EnvBinding } from './app-config.js';
import { ConfigError } from './config-error.js';
import { parseDuration } from './duration.js';
import { compareIssues, fieldPath, parseLocatedYaml } from './located-yaml.js';
import type { ConfigIssue, PathSegment } from './located-yaml.js';
import { issuesFromAjv } from './schema-issues.js';

export interface LoadConfigOptions {
  /** Path given on the command line (`--config`); wins over CXPULSE_CONFIG. */
  argvConfigPath?: string;
  /** Usually `process.env`; tests pass their own. */
  env?: Readonly<Record<string, string | undefined>>;
}

let validator: ValidateFunction | undefined;

function validateConfig(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(APP_CONFIG_SCHEMA);
  return validator;
}

/** Throws ConfigError: CXP_ERR_CONFIG_READ when the file cannot be read, CXP_ERR_CONFIG_INVALID otherwise. */
export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? {};
  const path = nonEmpty(options.argvConfigPath) ?? nonEmpty(env.CXPULSE_CONFIG);
  const fileIssues: ConfigIssue[] = [];
  let fileLayer: Record<string, unknown> = {};
  if (path !== undefined) {
    const file = readConfigFile(path);
    fileIssues.push(...file.issues);
    fileLayer = file.value;
  }

  const envIssues: ConfigIssue[] = [];
  const envLayer = readEnvironment(env, envIssues);

  const envOrder = (issue: ConfigIssue) => ENV_BINDINGS.findIndex((b) => b.name === issue.env);
  envIssues.sort((a, b) => envOrder(a) - envOrder(b));
  const issues = [...fileIssues.sort(compareIssues), ...envIssues];
  if (issues.length > 0) throw new ConfigError('CXP_ERR_CONFIG_INVALID', issues);
  return normalise(deepMerge(deepMerge(structuredClone(DEFAULT_CONFIG), fileLayer), envLayer));
}

function readConfigFile(path: string): { value: Record<string, unknown>; issues: ConfigIssue[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const reason =
      (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (err as Error).message;
    throw new ConfigError(
      'CXP_ERR_CONFIG_READ',
      [{ file: path, path: '', message: `cannot read configuration: ${reason}` }],
      {
        cause: err,
      },
    );
  }
  const located = parseLocatedYaml(text, path);
  if (located.syntaxIssues.length > 0) return { value: {}, issues: located.syntaxIssues };
  // An empty file (or one with only comments) is a valid "use the defaults".
  const value = located.value ?? {};
  const validate = validateConfig();
  if (validate(value)) return { value: value as Record<string, unknown>, issues: [] };
  const locate = (segments: readonly PathSegment[], target: 'key' | 'value') => ({
    file: path,
    position: located.positionOf(segments, target),
  });
  return {
    value: {},
    issues: issuesFromAjv(validate.errors ?? [], value, locate, { patternHints: CONFIG_PATTERN_HINTS }),
  };
}

/** The environment overlay; conversion and schema problems are pushed to `issues`, naming the variable. */
function readEnvironment(
  env: LoadConfigOptions['env'] & object,
  issues: ConfigIssue[],
): Record<string, unknown> {
  const overlay: Record<string, unknown> = {};
  const bindingByPath = new Map<string, EnvBinding>();
  for (const binding of ENV_BINDINGS) {
    // Empty counts as unset, as with `${VAR:-}` in compose files.
    const raw = nonEmpty(env[binding.name]);
    if (raw === undefined) continue;
    const converted = convert(raw, binding);
    if ('error' in converted) {
      issues.push({
        env: binding.name,
        path: fieldPath(binding.path),
        message: `${converted.error}, got ${JSON.stringify(raw)}`,
      });
      continue;
    }
    setPath(overlay, binding.path, converted.value);
    bindingByPath.set(fieldPath(binding.path), binding);
  }
  const validate = validateConfig();
  if (!validate(overlay)) {
    const locate = (segments: readonly PathSegment[]) => {
      // A list variable's item errors (KAFKA_BROKERS[1]) belong to the variable.
      const named = segments.filter((s) => typeof s === 'string');
      const binding = bindingByPath.get(fieldPath(named));
      return binding ? { env: binding.name } : {};
    };
    issues.push(
      ...issuesFromAjv(validate.errors ?? [], overlay, locate, { patternHints: CONFIG_PATTERN_HINTS }),
    );
  }
  return overlay;
}

function convert(raw: string, binding: EnvBinding): { value: unknown } | { error: string } {
  const text = raw.trim();
  switch (binding.kind) {
    case 'string':
      return { value: raw };
    case 'list':
      return {
        value: text
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== ''),
      };
    case 'port': {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      return n >= 1 && n <= 65535 ? { value: n } : { error: 'must be an integer 1..65535' };
    }
    case 'integer':
      return /^-?\d+$/.test(text) ? { value: Number(text) } : { error: 'must be an integer' };
    case 'number': {
      const n = text === '' ? NaN : Number(text);
      return Number.isFinite(n) ? { value: n } : { error: 'must be a number' };
    }
    case 'boolean': {
      const lower = text.toLowerCase();
      if (['true', '1', 'yes', 'on'].includes(lower)) return { value: true };
      if (['false', '0', 'no', 'off'].includes(lower)) return { value: false };
      return { error: 'must be true or false' };
    }
  }
}

function normalise(config: AppConfig): AppConfig {
  const ms = (value: number | string): number => (typeof value === 'number' ? value : parseDuration(value)!);
  config.events.maxPastMs = ms(config.events.maxPastMs);
  config.events.maxFutureMs = ms(config.events.maxFutureMs);
  return config;
}

/** Objects merge key by key; anything else (arrays included) replaces. */
function deepMerge<T>(base: T, layer: Record<string, unknown>): T {
  const out = base as Record<string, unknown>;
  for (const [key, value] of Object.entries(layer)) {
    const current = out[key];
    out[key] = isRecord(current) && isRecord(value) ? deepMerge(current, value) : value;
  }
  return base;
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cursor = target;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(cursor[key])) cursor[key] = {};
    cursor = cursor[key] as Record<string, unknown>;
  }
  cursor[path[path.length - 1]!] = value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
