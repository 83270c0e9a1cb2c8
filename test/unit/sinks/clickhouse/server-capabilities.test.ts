import { describe, expect, it } from 'vitest';
import { capabilitiesOf, parseServerVersion } from '../../../../src/sinks/clickhouse/server-capabilities.js';

describe('capabilitiesOf', () => {
  it('gives 18.16 none of the newer features', () => {
    expect(capabilitiesOf('18.16.1')).toEqual({
      version: '18.16.1',
      lowCardinality: false,
      ttl: false,
      dateTime64: false,
    });
  });

  it('switches features on at the releases that brought them', () => {
    expect(capabilitiesOf('19.6.2.11')).toMatchObject({
      ttl: true,
      lowCardinality: false,
      dateTime64: false,
    });
    expect(capabilitiesOf('19.9.1')).toMatchObject({ ttl: true, lowCardinality: true, dateTime64: false });
    expect(capabilitiesOf('20.5.1')).toMatchObject({ dateTime64: true });
    expect(capabilitiesOf('24.8.4.13')).toMatchObject({ ttl: true, lowCardinality: true, dateTime64: true });
  });

  it('treats an unreadable version as the oldest', () => {
    expect(parseServerVersion('unknown')).toEqual([0, 0, 0]);
    expect(capabilitiesOf('unknown')).toMatchObject({ ttl: false, lowCardinality: false });
  });
});
