import { describe, expect, it } from 'vitest';
import { redactConfig } from '../../../../src/config/app-config.js';
import { loadConfig } from '../../../../src/config/load-config.js';
import { clickHouseSinkOptionsFromConfig } from '../../../../src/sinks/clickhouse/clickhouse-sink.js';

describe('clickHouseSinkOptionsFromConfig', () => {
  it('gives the documented defaults when nothing is set', () => {
    const options = clickHouseSinkOptionsFromConfig(loadConfig({ env: {} }).clickhouse);
    expect(options).toEqual({
      url: '',
      database: 'cxpulse',
      username: 'default',
      password: '',
      retentionDays: 90,
      writeEarlyValues: false,
      batch: {},
    });
  });

  it('reads the secret and retention from the environment and keeps the secret out of logs', () => {
    const config = loadConfig({
      env: {
        CLICKHOUSE_PSEUDONYM_SECRET: 'k3y',
        CLICKHOUSE_RETENTION_DAYS: '30',
        CLICKHOUSE_URL: 'http://ch:8123',
      },
    });
    expect(clickHouseSinkOptionsFromConfig(config.clickhouse)).toMatchObject({
      secret: 'k3y',
      retentionDays: 30,
    });
    expect(redactConfig(config).clickhouse.pseudonymSecret).toBe('[redacted]');
    expect(JSON.stringify(redactConfig(config))).not.toContain('k3y');
  });

  it('rejects a negative retention', () => {
    expect(() => loadConfig({ env: { CLICKHOUSE_RETENTION_DAYS: '-1' } })).toThrow();
  });
});
