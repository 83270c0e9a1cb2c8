/**
 * ClickHouse's RowBinary input format, written straight into one growing Buffer.
 *
 * Why not JSONEachRow: on the 2-core development machine the node process and the server share the
 * CPU, and JSON is the most expensive format for both sides (our rows are ~720 bytes of JSON, ~220
 * of RowBinary; see docs/storage.md, Throughput). RowBinary is accepted for input by every server
 * from 18.16 on, unlike JSONCompactEachRow (19.x+). It carries no column names and no types, so
 * `checkInsertColumns` compares what we encode with what the table has before the first insert:
 * a type mismatch in RowBinary would not be refused, it would be misread.
 *
 * Encoding rules (the server's own RowBinary): String = varint byte length + UTF-8 bytes;
 * UIntN/Float64 little-endian; Nullable(T) = one byte (1 = NULL) then T when not NULL;
 * Array(T) = varint length + elements. LowCardinality(String) reads as String.
 */
import { CxPulseError } from '../../errors/codes.js';

/** The column types the sink inserts (LowCardinality(String) is written as String). */
export type ColumnType =
  | 'String'
  | 'UInt8'
  | 'UInt32'
  | 'UInt64'
  | 'Float64'
  | 'Nullable(UInt8)'
  | 'Nullable(UInt32)'
  | 'Nullable(UInt64)'
  | 'Nullable(Float64)'
  | 'Array(String)'
  | 'Array(Float64)';

export type InsertColumns = ReadonlyArray<readonly [name: string, type: ColumnType]>;

const TWO_32 = 4294967296;

function rejected(message: string): CxPulseError {
  return new CxPulseError('CXP_ERR_SINK_CLICKHOUSE_REJECTED', message);
}

export class RowBinaryBuilder {
  private buffer: Buffer;
  private position = 0;

  constructor(initialBytes = 1 << 16) {
    this.buffer = Buffer.allocUnsafe(Math.max(64, initialBytes));
  }

  get length(): number {
    return this.position;
  }

  /** The bytes written so far (a view: the builder must not be written to afterwards). */
  finish(): Buffer {
    return this.buffer.subarray(0, this.position);
  }

  private reserve(bytes: number): void {
    if (this.position + bytes <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < this.position + bytes) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
  }

  private varUInt(value: number): void {
    this.reserve(10);
    let v = value;
    while (v >= 0x80) {
      this.buffer[this.position++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buffer[this.position++] = v;
  }

  string(value: string): void {
    const units = value.length;
    if (units === 0) {
      this.reserve(1);
      this.buffer[this.position++] = 0;
    } else if (units <= 42) {
      // At most 3 UTF-8 bytes per UTF-16 unit, so the byte length fits the one-byte varint (< 128):
      // write the bytes first and the length in front, without measuring the string twice.
      this.reserve(1 + units * 3);
      const bytes = this.buffer.write(value, this.position + 1, 'utf8');
      this.buffer[this.position] = bytes;
      this.position += 1 + bytes;
    } else {
      const bytes = Buffer.byteLength(value, 'utf8');
      this.varUInt(bytes);
      this.reserve(bytes);
      this.buffer.write(value, this.position, 'utf8');
      this.position += bytes;
    }
  }

  uint8(value: number): void {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xff)) throw rejected(`not a UInt8: ${value}`);
    this.reserve(1);
    this.buffer[this.position++] = value;
  }

  uint32(value: number): void {
    if (!(Number.isInteger(value) && value >= 0 && value < TWO_32)) throw rejected(`not a UInt32: ${value}`);
    this.reserve(4);
    this.buffer.writeUInt32LE(value, this.position);
    this.position += 4;
  }

  /** Up to 2^53 - 1: every value a JS number holds exactly (epoch ms, versions). */
  uint64(value: number): void {
    if (!(Number.isSafeInteger(value) && value >= 0)) throw rejected(`not a UInt64: ${value}`);
    this.reserve(8);
    this.buffer.writeUInt32LE(value % TWO_32, this.position);
    this.buffer.writeUInt32LE(Math.floor(value / TWO_32), this.position + 4);
    this.position += 8;
  }

  float64(value: number): void {
    this.reserve(8);
    this.buffer.writeDoubleLE(value, this.position);
    this.position += 8;
  }

  /** Nullable(Float64): NULL for null and for what Float64 has but JSON never had (NaN, ±Infinity). */
  nullableFloat64(value: number | null): void {
    this.reserve(9);
    if (value === null || !Number.isFinite(value)) {
      this.buffer[this.position++] = 1;
    } else {
      this.buffer[this.position++] = 0;
      this.buffer.writeDoubleLE(value, this.position);
      this.position += 8;
    }
  }

  /** Nullable(UInt8): a number the column cannot hold (fraction, out of range) is NULL, not wrapped. */
  nullableUInt8(value: number | null): void {
    this.reserve(2);
    if (value === null || !Number.isInteger(value) || value < 0 || value > 0xff) {
      this.buffer[this.position++] = 1;
    } else {
      this.buffer[this.position++] = 0;
      this.buffer[this.position++] = value;
    }
  }

  /** Nullable(UInt32), same rule as `nullableUInt8`. */
  nullableUInt32(value: number | null): void {
    this.reserve(5);
    if (value === null || !Number.isInteger(value) || value < 0 || value >= TWO_32) {
      this.buffer[this.position++] = 1;
    } else {
      this.buffer[this.position++] = 0;
      this.buffer.writeUInt32LE(value, this.position);
      this.position += 4;
    }
  }

  /** Nullable(UInt64), same rule, up to 2^53 - 1. */
  nullableUInt64(value: number | null): void {
    if (value === null || !Number.isSafeInteger(value) || value < 0) {
      this.reserve(1);
      this.buffer[this.position++] = 1;
    } else {
      this.reserve(1);
      this.buffer[this.position++] = 0;
      this.uint64(value);
    }
  }

  stringArray(values: readonly string[]): void {
    this.varUInt(values.length);
    for (let i = 0; i < values.length; i++) this.string(values[i]!);
  }

  float64Array(values: readonly number[]): void {
    this.varUInt(values.length);
    for (let i = 0; i < values.length; i++) this.float64(values[i]!);
  }
}

/** What `DESCRIBE TABLE` says of one column (the fields we read). */
export interface DescribedColumn {
  name: string;
  type: string;
  default_type: string;
}

/** `LowCardinality(T)` is T in RowBinary; everything else must match exactly. */
function wireType(type: string): string {
  const match = /^LowCardinality\((.*)\)$/.exec(type);
  return match ? match[1]! : type;
}

/**
 * Differences between the columns we encode and the table: every encoded column must exist with
 * the same wire type, and every column the table fills only from the insert (no DEFAULT or
 * MATERIALIZED expression) must be encoded. Empty when they agree.
 */
export function insertColumnProblems(
  columns: InsertColumns,
  described: readonly DescribedColumn[],
): string[] {
  const problems: string[] = [];
  const byName = new Map(described.map((c) => [c.name, c]));
  const encoded = new Set<string>();
  for (const [name, type] of columns) {
    encoded.add(name);
    const column = byName.get(name);
    if (column === undefined) problems.push(`column ${name} is missing`);
    else if (column.default_type === 'MATERIALIZED' || column.default_type === 'ALIAS')
      problems.push(`column ${name} is ${column.default_type}`);
    else if (wireType(column.type) !== type)
      problems.push(`column ${name} is ${column.type}, we write ${type}`);
  }
  for (const column of described) {
    if (!encoded.has(column.name) && column.default_type === '')
      problems.push(`column ${column.name} is not written`);
  }
  return problems;
}
