import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPseudonymiser } from '../../../../src/sinks/clickhouse/pseudonymiser.js';

describe('createPseudonymiser', () => {
  it('is HMAC-SHA256 in hex (RFC 4231 test case 2)', () => {
    expect(createPseudonymiser('Jefe')('what do ya want for nothing?')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('is stable for one secret and differs between secrets', () => {
    const a = createPseudonymiser('secret-a');
    const b = createPseudonymiser('secret-b');
    expect(a('cust-1')).toBe(a('cust-1'));
    expect(a('cust-1')).not.toBe(a('cust-2'));
    expect(a('cust-1')).not.toBe(b('cust-1'));
  });

  it('gives the same answers once its cache has been emptied', () => {
    const p = createPseudonymiser('k', { cacheSize: 2 });
    const first = ['x', 'y', 'z', 'x'].map(p);
    expect(first[0]).toBe(first[3]);
    expect(p('y')).toBe(first[1]);
  });

  it('reads a string secret as UTF-8, like a Buffer of the same bytes', () => {
    const secret = 'clé-secrète';
    expect(createPseudonymiser(secret)('cust-1')).toBe(
      createPseudonymiser(Buffer.from(secret, 'utf8'))('cust-1'),
    );
    expect(createPseudonymiser(secret)('cust-1')).toBe(
      createHmac('sha256', secret).update('cust-1', 'utf8').digest('hex'),
    );
  });

  it('refuses an empty secret', () => {
    expect(() => createPseudonymiser('')).toThrow(/must not be empty/);
  });
});
