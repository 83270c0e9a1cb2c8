import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, redactConfig } from '../../../src/config/app-config.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { loadConfig } from '../../../src/config/load-config.js';
import type { LoadConfigOptions } from '../../../src/config/load-config.js';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cxpulse-config-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function configError(options: LoadConfigOptions): ConfigError {
  try {
    loadConfig(options);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw');
}

describe('loadConfig', () => {
  it('gives the defaults without a file or variables', () => {
    const config = loadConfig({ env: {} });
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(config.server).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(config.events).toEqual({ maxBytes: 65_536, maxPastMs: 604_800_000, maxFutureMs: 300_000 });
    // The defaults object itself is never handed out for mutation.
    config.kafka.brokers.push('x:1');
    expect(DEFAULT_CONFIG.kafka.brokers).toEqual([]);
  });

  it('the shipped example is valid and equals the defaults', () => {
    expect(loadConfig({ argvConfigPath: 'cxpulse.example.yaml', env: {} })).toEqual(DEFAULT_CONFIG);
  });

  it('a file overrides defaults field by field, durations in either form', () => {
    const path = file(
      'override.yaml',
      'server:\n  port: 9090\nkafka:\n  brokers: [k1:9092]\n  topics: { alerts: my.alerts }\nevents:\n  maxPastMs: 1d\n  maxFutureMs: 1000\n',
    );
    const config = loadConfig({ argvConfigPath: path, env: {} });
    expect(config.server).toEqual({ host: '127.0.0.1', port: 9090 });
    expect(config.kafka.brokers).toEqual(['k1:9092']);
    expect(config.kafka.topics).toEqual({ ...DEFAULT_CONFIG.kafka.topics, alerts: 'my.alerts' });
    expect(config.events).toEqual({ maxBytes: 65_536, maxPastMs: 86_400_000, maxFutureMs: 1000 });
  });

  it('reads JSON too, and takes the path from CXPULSE_CONFIG when --config is absent', () => {
    const path = file('c.json', '{ "log": { "level": "debug" } }');
    expect(loadConfig({ env: { CXPULSE_CONFIG: path } }).log.level).toBe('debug');
    const other = file('other.yaml', 'log: { level: warn }\n');
    expect(loadConfig({ argvConfigPath: other, env: { CXPULSE_CONFIG: path } }).log.level).toBe('warn');
  });

  it('environment variables override the file', () => {
    const path = file(
      'env.yaml',
      'server: { host: 10.0.0.1, port: 9090 }\nkafka: { brokers: [file:9092] }\n',
    );
    const config = loadConfig({
      argvConfigPath: path,
      env: {
        PORT: '7000',
        KAFKA_BROKERS: 'a:9092, b:9092',
        CLICKHOUSE_URL: 'http://ch:8123',
        CLICKHOUSE_DATABASE: 'cx',
        CLICKHOUSE_PASSWORD: 's3cret',
        LOG_LEVEL: 'error',
        CXPULSE_SIMULATOR: 'yes',
        CXPULSE_SIMULATOR_SPEED: '60',
        HOST: '',
      },
    });
    expect(config.server).toEqual({ host: '10.0.0.1', port: 7000 });
    expect(config.kafka.brokers).toEqual(['a:9092', 'b:9092']);
    expect(config.clickhouse).toEqual({
      url: 'http://ch:8123',
      database: 'cx',
      username: 'default',
      password: 's3cret',
    });
    expect(config.log.level).toBe('error');
    expect(config.simulator).toMatchObject({ enabled: true, speed: 60 });
  });
});

describe('configuration errors', () => {
  it('an unknown key names file, line, column and key, with a suggestion', () => {
    const path = file('typo.yaml', 'server:\n  port: 8080\nkafka:\n    brokres: [a:9092]\n');
    const error = configError({ argvConfigPath: path, env: {} });
    expect(error.code).toBe('CXP_ERR_CONFIG_INVALID');
    expect(error.message).toBe(`${path}:4:5: kafka.brokres: unknown key (did you mean "brokers"?)`);
  });

  it('bad values in a file name file:line:column and key, all of them at once', () => {
    const path = file(
      'bad.yaml',
      'server:\n  port: 70000\nlog: { level: loud }\nevents: { maxPastMs: 7 days }\nkafka: { brokers: [nohost] }\n',
    );
    expect(configError({ argvConfigPath: path, env: {} }).message.split('\n')).toEqual([
      `${path}:2:9: server.port: must be <= 65535, got 70000`,
      `${path}:3:15: log.level: must be one of trace, debug, info, warn, error, fatal, silent, got "loud"`,
      `${path}:4:22: events.maxPastMs: must be a duration such as 500ms, 30s, 5m, 1h or 1d, got "7 days"`,
      `${path}:5:20: kafka.brokers[0]: must be host:port, got "nohost"`,
    ]);
  });

  it('a wrong type in a file and a YAML syntax error carry their line', () => {
    const wrongType = file('type.yaml', 'kafka: cx.events\n');
    expect(configError({ argvConfigPath: wrongType, env: {} }).message).toBe(
      `${wrongType}:1:8: kafka: must be a mapping, got "cx.events"`,
    );
    const broken = file('broken.yaml', 'server:\n  port: [8080\n');
    expect(configError({ argvConfigPath: broken, env: {} }).message).toMatch(
      new RegExp(`^${broken.replace(/[.]/g, '\\.')}:\\d+:\\d+: YAML syntax error: `),
    );
  });

  it('a bad environment variable names the variable', () => {
    expect(configError({ env: { PORT: 'abc' } }).message).toBe(
      'env PORT: must be an integer 1..65535, got "abc"',
    );
    expect(configError({ env: { PORT: '0' } }).message).toBe(
      'env PORT: must be an integer 1..65535, got "0"',
    );
    const error = configError({
      env: { LOG_LEVEL: 'chatty', KAFKA_BROKERS: 'a:9092,b', CXPULSE_SIMULATOR_RATE: 'fast' },
    });
    expect(error.message.split('\n')).toEqual([
      'env KAFKA_BROKERS: must be host:port, got "b"',
      'env CXPULSE_SIMULATOR_RATE: must be a number, got "fast"',
      'env LOG_LEVEL: must be one of trace, debug, info, warn, error, fatal, silent, got "chatty"',
    ]);
  });

  it('a file that cannot be read is CXP_ERR_CONFIG_READ naming the path', () => {
    const error = configError({ argvConfigPath: join(dir, 'missing.yaml'), env: {} });
    expect(error.code).toBe('CXP_ERR_CONFIG_READ');
    expect(error.message).toBe(`${join(dir, 'missing.yaml')}: cannot read configuration: file not found`);
  });
});

describe('redactConfig', () => {
  it('hides the password and URL credentials, and leaves the original alone', () => {
    const config = loadConfig({
      env: { CLICKHOUSE_PASSWORD: 'p4ss', CLICKHOUSE_URL: 'http://user:pw@ch:8123' },
    });
    const safe = redactConfig(config);
    expect(safe.clickhouse.password).toBe('[redacted]');
    expect(safe.clickhouse.url).toBe('http://user:[redacted]@ch:8123');
    expect(JSON.stringify(safe)).not.toMatch(/p4ss|pw@/);
    expect(config.clickhouse.password).toBe('p4ss');
    expect(redactConfig(DEFAULT_CONFIG).clickhouse.password).toBe('');
  });
});
