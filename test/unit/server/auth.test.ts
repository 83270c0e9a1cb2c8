import { describe, expect, it } from 'vitest';
import { createAuthenticator, mayAct, parseTokenSpec } from '../../../src/server/auth.js';

describe('auth', () => {
  const auth = createAuthenticator(['viewer:v-secret', 'operator:alice:o-secret']);

  it('reads the token from a Bearer header or the token query parameter', () => {
    expect(auth.authenticate({ headers: { authorization: 'Bearer v-secret' } })?.role).toBe('viewer');
    expect(auth.authenticate({ headers: {}, url: '/ws?token=o-secret' })).toEqual({
      name: 'alice',
      role: 'operator',
    });
  });

  it('refuses missing and unknown tokens', () => {
    expect(auth.authenticate({ headers: {} })).toBeNull();
    expect(auth.authenticate({ headers: { authorization: 'Bearer nope' } })).toBeNull();
    expect(auth.authenticate({ headers: { authorization: 'Basic v-secret' } })).toBeNull();
  });

  it('is open, everyone an operator, without tokens', () => {
    const open = createAuthenticator([]);
    expect(open.enabled).toBe(false);
    expect(open.authenticate({ headers: {} })).toEqual({ name: 'anonymous', role: 'operator' });
  });

  it('lets only operators act as operators', () => {
    expect(mayAct({ name: 'v', role: 'viewer' }, 'operator')).toBe(false);
    expect(mayAct({ name: 'v', role: 'viewer' }, 'viewer')).toBe(true);
    expect(mayAct({ name: 'o', role: 'operator' }, 'operator')).toBe(true);
  });

  it('rejects malformed token specs', () => {
    expect(() => parseTokenSpec('admin:x')).toThrow(RangeError);
    expect(() => parseTokenSpec('viewer:')).toThrow(RangeError);
    expect(parseTokenSpec('viewer:tv:abc').principal).toEqual({ name: 'tv', role: 'viewer' });
  });
});

describe('auth.tokens in logged configuration', () => {
  it('keeps role and name, redacts the token', async () => {
    const { DEFAULT_CONFIG, redactConfig } = await import('../../../src/config/app-config.js');
    const config = structuredClone(DEFAULT_CONFIG);
    config.auth.tokens = ['operator:alice:s3cret', 'viewer:v-token'];
    expect(redactConfig(config).auth.tokens).toEqual(['operator:alice:[redacted]', 'viewer:[redacted]']);
  });
});
