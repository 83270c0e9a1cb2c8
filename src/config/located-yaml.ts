/**
 * YAML (and JSON, which YAML 1.2 parses too) read with its source positions kept, so that any
 * problem found later — by a JSON Schema or by a semantic check — can be reported as
 * `file:line:column: field: reason`. Both the pipeline loader and the application config loader
 * use this one helper.
 */
import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';

export interface SourcePosition {
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

/** One problem in a configuration source, located as precisely as we can. */
export interface ConfigIssue {
  /** File name as given by the caller (relative paths read best). */
  file?: string;
  position?: SourcePosition;
  /** Environment variable the value came from, when it did not come from a file. */
  env?: string;
  /** Field path in the document, e.g. `indicators[2].id`; empty for the document itself. */
  path: string;
  message: string;
}

/** `file:line:col: path: message`, or `env VAR: message` for a value from the environment. */
export function formatIssue(issue: ConfigIssue): string {
  const where: string[] = [];
  if (issue.env !== undefined) where.push(`env ${issue.env}`);
  else if (issue.file !== undefined) {
    where.push(issue.position ? `${issue.file}:${issue.position.line}:${issue.position.column}` : issue.file);
  }
  if (issue.env === undefined && issue.path !== '') where.push(issue.path);
  return where.length > 0 ? `${where.join(': ')}: ${issue.message}` : issue.message;
}

export function compareIssues(a: ConfigIssue, b: ConfigIssue): number {
  return (
    (a.file ?? '').localeCompare(b.file ?? '') ||
    (a.position?.line ?? 0) - (b.position?.line ?? 0) ||
    (a.position?.column ?? 0) - (b.position?.column ?? 0) ||
    a.path.localeCompare(b.path)
  );
}

export type PathSegment = string | number;

/** `['indicators', 2, 'id']` → `indicators[2].id`; keys that are not identifiers are quoted. */
export function fieldPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * A JSON pointer (as in ajv's `instancePath`) → path segments. Segments that index an array in
 * `data` become numbers, so that `fieldPath` can print `indicators[2]` rather than `indicators.2`.
 */
export function pointerSegments(pointer: string, data: unknown): PathSegment[] {
  if (pointer === '') return [];
  const raw = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const out: PathSegment[] = [];
  let cursor: unknown = data;
  for (const segment of raw) {
    if (Array.isArray(cursor) && /^\d+$/.test(segment)) {
      out.push(Number(segment));
      cursor = cursor[Number(segment)];
    } else {
      out.push(segment);
      cursor =
        cursor !== null && typeof cursor === 'object' && Object.prototype.hasOwnProperty.call(cursor, segment)
          ? (cursor as Record<string, unknown>)[segment]
          : undefined;
    }
  }
  return out;
}

export interface LocatedYaml {
  fileName: string;
  /** The document as plain JS (undefined for an empty document). */
  value: unknown;
  /** YAML syntax errors, each with its position; when present, `value` should not be trusted. */
  syntaxIssues: ConfigIssue[];
  /**
   * Where a path is written in the source. `key` points at the mapping key (best for an unknown
   * key), `value` at the value. A path that does not exist resolves to its nearest existing ancestor.
   */
  positionOf(path: readonly PathSegment[], target?: 'key' | 'value'): SourcePosition;
}

export function parseLocatedYaml(text: string, fileName: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const toPosition = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };

  const syntaxIssues: ConfigIssue[] = doc.errors.map((err) => ({
    file: fileName,
    position: toPosition(err.pos[0]),
    path: '',
    message: `YAML syntax error: ${firstLine(err.message)}`,
  }));

  let value: unknown;
  if (syntaxIssues.length === 0) {
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (err) {
      syntaxIssues.push({
        file: fileName,
        position: { line: 1, column: 1 },
        path: '',
        message: `YAML error: ${firstLine(err instanceof Error ? err.message : String(err))}`,
      });
    }
  }

  return {
    fileName,
    value,
    syntaxIssues,
    positionOf(path, target = 'value') {
      const offset = findOffset(doc, path, target);
      return toPosition(offset);
    },
  };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}

function findOffset(doc: Document, path: readonly PathSegment[], target: 'key' | 'value'): number {
  let node: unknown = doc.contents;
  let best = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    if (isAlias(node)) node = node.resolve(doc);
    const segment = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(segment),
      );
      if (!pair) return best;
      const keyStart = rangeStart(pair.key);
      if (last && target === 'key' && keyStart !== undefined) return keyStart;
      // `key:` with nothing after it has an empty value node: the key is the better place to point at.
      const valueStart = isEmptyNode(pair.value) ? undefined : rangeStart(pair.value);
      best = valueStart ?? keyStart ?? best;
      node = pair.value;
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)];
      const start = rangeStart(item);
      if (item === undefined || start === undefined) return best;
      best = start;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}

function isEmptyNode(node: unknown): boolean {
  const range = (node as Node | null | undefined)?.range;
  return !range || range[0] === range[1];
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
