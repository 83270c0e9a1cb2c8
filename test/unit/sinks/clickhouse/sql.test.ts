import { describe, expect, it } from 'vitest';
import { CxPulseError } from '../../../../src/errors/codes.js';
import { identifier, literal, qualified, quoteString, sql } from '../../../../src/sinks/clickhouse/sql.js';

describe('quoteString', () => {
  it('escapes backslash and quote the ClickHouse way, so the literal cannot be closed early', () => {
    expect(quoteString(`it's`)).toBe(`'it\\'s'`);
    expect(quoteString('a\\b')).toBe(`'a\\\\b'`);
    // A trailing backslash must not escape the closing quote.
    expect(quoteString('x\\')).toBe(`'x\\\\'`);
    expect(quoteString(`'; DROP TABLE t; --`)).toBe(`'\\'; DROP TABLE t; --'`);
  });

  it('escapes NUL and control characters and leaves other unicode as is', () => {
    expect(quoteString('a\0b\nc\rd\te')).toBe(`'a\\0b\\nc\\rd\\te'`);
    expect(quoteString('Zürich ✓ 日本 🙂')).toBe(`'Zürich ✓ 日本 🙂'`);
  });
});

describe('literal', () => {
  it('renders numbers, refusing what is not finite', () => {
    expect(literal(42)).toBe('42');
    expect(literal(0.5)).toBe('0.5');
    expect(literal(-3)).toBe('(-3)');
    expect(literal(12n)).toBe('12');
    for (const bad of [NaN, Infinity, -Infinity]) {
      expect(() => literal(bad)).toThrow(CxPulseError);
    }
  });

  it('renders null, booleans and nested arrays', () => {
    expect(literal(null)).toBe('NULL');
    expect(literal(true)).toBe('1');
    expect(literal(['a', "b'"])).toBe(`['a', 'b\\'']`);
    expect(literal([[1, 2], []])).toBe('[[1, 2], []]');
  });

  it('refuses values that have no literal form', () => {
    expect(() => literal({} as never)).toThrow(/no SQL literal/);
    expect(() => literal(undefined as never)).toThrow(/no SQL literal/);
  });
});

describe('identifier', () => {
  it('accepts plain names and back-quotes them', () => {
    expect(sql`SELECT * FROM ${identifier('indicator_values')}`.text).toBe(
      'SELECT * FROM `indicator_values`',
    );
    expect(qualified('cxpulse', 'alerts').text).toBe('`cxpulse`.`alerts`');
  });

  it('rejects anything that could break out of a name', () => {
    for (const bad of ['', '1abc', 'a-b', 'a b', 'a`b', "a'b", 'a;DROP', 'a.b', 'ä']) {
      expect(() => identifier(bad), bad).toThrow(CxPulseError);
    }
  });

  it('enforces an allow-list when given', () => {
    expect(identifier('alerts', ['alerts', 'dead_letters']).name).toBe('alerts');
    expect(() => identifier('system', ['alerts'])).toThrow(/not allowed/);
  });
});

describe('sql template', () => {
  it('turns every interpolated value into a literal', () => {
    const reason = `x' OR 1=1 --`;
    const q = sql`SELECT count() FROM ${qualified('db', 'dead_letters')} WHERE reason = ${reason} AND n > ${5}`;
    expect(q.text).toBe("SELECT count() FROM `db`.`dead_letters` WHERE reason = 'x\\' OR 1=1 --' AND n > 5");
  });

  it('nests fragments without re-escaping them', () => {
    const where = sql`type = ${'contact.queued'}`;
    expect(sql`SELECT 1 WHERE ${where}`.text).toBe("SELECT 1 WHERE type = 'contact.queued'");
  });

  it('keeps a minus before a negative number from becoming a comment', () => {
    expect(sql`SELECT 1 -${-1}`.text).toBe('SELECT 1 -(-1)');
  });
});
