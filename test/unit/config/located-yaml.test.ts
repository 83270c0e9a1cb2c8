import { describe, expect, it } from 'vitest';
import {
  fieldPath,
  formatIssue,
  parseLocatedYaml,
  pointerSegments,
} from '../../../src/config/located-yaml.js';

const TEXT = `server:
  port: 8080
kafka:
  brokers:
    - a:9092
    - b:9092
  empty:
base: &base { x: 1 }
alias: *base
`;

describe('parseLocatedYaml', () => {
  const doc = parseLocatedYaml(TEXT, 'cxpulse.yaml');

  it('keeps the value and positions of keys and values', () => {
    expect(doc.syntaxIssues).toEqual([]);
    expect(doc.value).toMatchObject({ server: { port: 8080 }, kafka: { brokers: ['a:9092', 'b:9092'] } });
    expect(doc.positionOf(['server', 'port'])).toEqual({ line: 2, column: 9 });
    expect(doc.positionOf(['server', 'port'], 'key')).toEqual({ line: 2, column: 3 });
    expect(doc.positionOf(['kafka', 'brokers', 1])).toEqual({ line: 6, column: 7 });
  });

  it('points a missing path at its nearest ancestor, an empty value at its key, and follows aliases', () => {
    expect(doc.positionOf(['kafka', 'brokers', 5])).toEqual({ line: 5, column: 5 });
    expect(doc.positionOf(['server', 'host'])).toEqual({ line: 2, column: 3 });
    expect(doc.positionOf(['kafka', 'empty'])).toEqual({ line: 7, column: 3 });
    expect(doc.positionOf(['alias', 'x'])).toEqual({ line: 8, column: 18 });
  });

  it('reports syntax errors with their position and no value', () => {
    const broken = parseLocatedYaml('a: 1\nb: [1, 2\nc: 3\n', 'x.yaml');
    expect(broken.value).toBeUndefined();
    expect(broken.syntaxIssues.length).toBeGreaterThan(0);
    expect(broken.syntaxIssues[0]).toMatchObject({ file: 'x.yaml', path: '' });
    expect(broken.syntaxIssues[0]?.position?.line).toBeGreaterThanOrEqual(2);
  });
});

describe('paths and issue text', () => {
  it('prints field paths the way a reader writes them', () => {
    expect(fieldPath(['indicators', 2, 'id'])).toBe('indicators[2].id');
    expect(fieldPath(['targetsByKey', 'queue=vip', 'warn'])).toBe('targetsByKey["queue=vip"].warn');
    expect(fieldPath([])).toBe('');
  });

  it('turns an ajv instancePath into segments, numbers only where the data is a list', () => {
    const data = { a: [{ '0': 'x', 'b/c': 1 }] };
    expect(pointerSegments('/a/0/0', data)).toEqual(['a', 0, '0']);
    expect(pointerSegments('/a/0/b~1c', data)).toEqual(['a', 0, 'b/c']);
  });

  it('formats file, env and bare issues', () => {
    const position = { line: 3, column: 5 };
    expect(formatIssue({ file: 'c.yaml', position, path: 'kafka.brokres', message: 'unknown key' })).toBe(
      'c.yaml:3:5: kafka.brokres: unknown key',
    );
    expect(formatIssue({ env: 'PORT', path: 'server.port', message: 'bad' })).toBe('env PORT: bad');
    expect(formatIssue({ file: 'c.yaml', path: '', message: 'missing' })).toBe('c.yaml: missing');
  });
});
