/** A RowBinary reader for tests: reads back what row-binary.ts writes, column list by column list. */
import type { ColumnType, InsertColumns } from '../../../../src/sinks/clickhouse/row-binary.js';

export function decodeRowBinary(body: Buffer, columns: InsertColumns): Array<Record<string, unknown>> {
  let at = 0;
  const varUInt = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = body[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  const string = () => {
    const bytes = varUInt();
    const value = body.toString('utf8', at, at + bytes);
    at += bytes;
    return value;
  };
  const uint64 = () => {
    const value = body.readUInt32LE(at) + body.readUInt32LE(at + 4) * 4294967296;
    at += 8;
    return value;
  };
  const read = (type: ColumnType): unknown => {
    if (type.startsWith('Nullable(')) {
      if (body[at++] === 1) return null;
      return read(type.slice('Nullable('.length, -1) as ColumnType);
    }
    switch (type) {
      case 'String':
        return string();
      case 'UInt8':
        return body[at++];
      case 'UInt32':
        at += 4;
        return body.readUInt32LE(at - 4);
      case 'UInt64':
        return uint64();
      case 'Array(String)':
        return Array.from({ length: varUInt() }, string);
      case 'Array(Float64)':
        return Array.from({ length: varUInt() }, () => {
          at += 8;
          return body.readDoubleLE(at - 8);
        });
      default:
        if ((type as string) === 'Float64') {
          at += 8;
          return body.readDoubleLE(at - 8);
        }
        throw new Error(`no reader for ${type}`);
    }
  };
  const rows: Array<Record<string, unknown>> = [];
  while (at < body.length) {
    const row: Record<string, unknown> = {};
    for (const [name, type] of columns) row[name] = read(type);
    rows.push(row);
  }
  if (at !== body.length) throw new Error('trailing bytes');
  return rows;
}
