/**
 * A typed SQL builder for ClickHouse: statement text is only ever assembled from trusted template
 * text, checked identifiers and escaped literals, never by pasting a value into a string.
 *
 *   sql`SELECT count() FROM ${identifier(table)} WHERE reason = ${reason}`
 *
 * Every interpolated value becomes a literal (strings quoted and escaped, numbers checked finite,
 * arrays element by element) unless it is an `Identifier` or another `Sql` fragment.
 *
 * Why not server-side parameters (`{name:Type}` + `query_params`)? ClickHouse 18.16, the server
 * this project ships against, rejects them as a syntax error; one code path that works everywhere
 * is safer than two. Rows themselves never go through here: inserts send RowBinary bodies,
 * which are data, not SQL.
 */
import { CxPulseError } from '../../errors/codes.js';

export type SqlValue = string | number | bigint | boolean | null | readonly SqlValue[];

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A checked identifier (database, table, column); rendered back-quoted. */
export class Identifier {
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
}

/** A piece of SQL built by `sql`; only this module can make one. */
export class Sql {
  readonly text: string;
  private constructor(text: string) {
    this.text = text;
  }
  /** @internal */
  static fromTrusted(text: string): Sql {
    return new Sql(text);
  }
  toString(): string {
    return this.text;
  }
}

/**
 * Checks `name` against the identifier pattern and, when given, an allow-list (for names that come
 * from configuration or a request, e.g. a table picked by a user).
 */
export function identifier(name: string, allowed?: readonly string[]): Identifier {
  if (!IDENTIFIER.test(name) || name.length > 128) {
    throw new CxPulseError('CXP_ERR_INPUT_INVALID', `not a valid identifier: ${JSON.stringify(name)}`);
  }
  if (allowed !== undefined && !allowed.includes(name)) {
    throw new CxPulseError('CXP_ERR_INPUT_INVALID', `identifier not allowed here: ${name}`);
  }
  return new Identifier(name);
}

/** `db`.`table`, both checked. */
export function qualified(database: string, table: string): Sql {
  return Sql.fromTrusted(`${renderIdentifier(identifier(database))}.${renderIdentifier(identifier(table))}`);
}

function renderIdentifier(id: Identifier): string {
  // The pattern already excludes back-quotes; quoting still keeps keywords (`window`) usable as names.
  return `\`${id.name}\``;
}

// ClickHouse string literal escapes (docs: "Syntax → String"): backslash and quote must be escaped;
// control characters are escaped too so that no raw NUL or newline ever travels inside a literal.
const STRING_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\r': '\\r',
  '\n': '\\n',
  '\t': '\\t',
};
const NEEDS_ESCAPE = /[\\'\0\b\f\r\n\t]/g;

export function quoteString(value: string): string {
  return `'${value.replace(NEEDS_ESCAPE, (c) => STRING_ESCAPES[c]!)}'`;
}

/** Renders one value as a ClickHouse literal. Throws on anything that has no safe literal form. */
export function literal(value: SqlValue): string {
  if (value === null) return 'NULL';
  switch (typeof value) {
    case 'string':
      return quoteString(value);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CxPulseError('CXP_ERR_INPUT_INVALID', `not a finite number: ${String(value)}`);
      }
      // Negative numbers in parentheses: `x - -1` must not become the comment marker `--1`.
      return value < 0 || Object.is(value, -0) ? `(${String(value)})` : String(value);
    case 'bigint':
      return value < 0n ? `(${value.toString()})` : value.toString();
    case 'boolean':
      return value ? '1' : '0';
    case 'object':
      if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
      break;
    default:
      break;
  }
  throw new CxPulseError('CXP_ERR_INPUT_INVALID', `no SQL literal for a value of type ${typeof value}`);
}

export type SqlPart = SqlValue | Identifier | Sql;

/** The tagged template: trusted text from the template, every interpolation rendered safely. */
export function sql(strings: TemplateStringsArray, ...parts: readonly SqlPart[]): Sql {
  let text = strings[0]!;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (part instanceof Sql) text += part.text;
    else if (part instanceof Identifier) text += renderIdentifier(part);
    else text += literal(part);
    text += strings[i + 1]!;
  }
  return Sql.fromTrusted(text);
}

/** Joins fragments with a trusted separator (e.g. column lists). */
export function joinSql(fragments: readonly Sql[], separator = ', '): Sql {
  return Sql.fromTrusted(fragments.map((f) => f.text).join(separator));
}
