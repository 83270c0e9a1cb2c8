/**
 * Expands a panel's raw SQL the way Grafana with grafana-clickhouse-datasource 4.x does before it
 * reaches ClickHouse, so the dashboards' queries can be run against a real server in tests:
 *
 * 1. frontend `applyConditionalAll` (src/data/CHDatasource.ts): each `$__conditionalAll(cond, $var)`
 *    becomes `cond` verbatim, or `1=1` when the variable is All (`$__all`) or empty;
 * 2. Grafana's template service with the plugin's formatter: a multi-value variable becomes
 *    `'a','b'` (values joined with `','`, not escaped), a single value is inserted raw; `$var`,
 *    `${var}` and `[[var]]` are all replaced; All means every option of the variable;
 * 3. backend macros (pkg/macros/macros.go): `$__timeFilter(c)` → `c >= toDateTime(from) AND
 *    c <= toDateTime(to)`, `$__fromTime`/`$__toTime` → `toDateTime(seconds)`, `$__interval_s` →
 *    the interval in whole seconds, at least 1. `$__timeInterval` and the `_ms` macros produce
 *    `toStartOfInterval`/`DateTime64` SQL that ClickHouse 18.16 rejects, so they are refused here.
 */

export interface VariableSelection {
  name: string;
  /** `['$__all']` for All, like Grafana's `current.value`. */
  selected: readonly string[];
  /** Every option the variable query returned (what All expands to). */
  options: readonly string[];
}

export interface ExpandContext {
  fromMs: number;
  toMs: number;
  intervalMs: number;
  variables: readonly VariableSelection[];
}

const UNSUPPORTED_ON_18_16 = [
  '$__timeInterval',
  '$__timeInterval_ms',
  '$__fromTime_ms',
  '$__toTime_ms',
  '$__timeFilter_ms',
];

/** The plugin's getMacroArgs: arguments at bracket depth 1, split on commas, not trimmed. */
function macroArgs(query: string, openParenIndex: number): string[] {
  const args: string[] = [];
  const re = /\(|\)|,/g;
  let depth = 0;
  let lastArgEnd = 1;
  const rest = query.substring(openParenIndex);
  let match: RegExpExecArray | null;
  while ((match = re.exec(rest)) !== null) {
    const token = match[0];
    if (token === '(') depth++;
    else if (token === ')') depth--;
    if (token === ',' && depth === 1) {
      args.push(rest.substring(lastArgEnd, re.lastIndex - 1));
      lastArgEnd = re.lastIndex;
    }
    if (depth === 0) {
      args.push(rest.substring(lastArgEnd, re.lastIndex - 1));
      return args;
    }
  }
  return [];
}

export function applyConditionalAll(sql: string, variables: readonly VariableSelection[]): string {
  const macro = '$__conditionalAll(';
  let index = sql.lastIndexOf(macro);
  while (index !== -1) {
    const params = macroArgs(sql, index + macro.length - 1);
    if (params.length !== 2) return sql;
    const name = /(?<=\$\{)[\w\d]+(?=\})|(?<=\$)[\w\d]+/.exec(params[1]!.trim());
    let phrase = params[0]!;
    if (name) {
      const value = variables.find((v) => v.name === name[0])?.selected.join(',');
      if (value === '' || value === '$__all') phrase = '1=1';
    }
    sql = sql.replace(`${macro}${params[0]},${params[1]})`, phrase);
    index = sql.lastIndexOf(macro);
  }
  return sql;
}

function formatValue(values: readonly string[], multi: boolean): string {
  return multi ? `'${values.join("','")}'` : (values[0] ?? '');
}

export function replaceVariables(sql: string, variables: readonly VariableSelection[]): string {
  return sql.replace(
    /\$\{(\w+)\}|\[\[(\w+)\]\]|\$(\w+)/g,
    (whole, braced?: string, bracketed?: string, bare?: string) => {
      const name = braced ?? bracketed ?? bare;
      const variable = variables.find((v) => v.name === name);
      if (!variable) return whole;
      const all = variable.selected.length === 1 && variable.selected[0] === '$__all';
      // Every variable of these dashboards is multi-value, so the value is always an array.
      return formatValue(all ? variable.options : variable.selected, true);
    },
  );
}

export function applyBackendMacros(
  sql: string,
  context: Pick<ExpandContext, 'fromMs' | 'toMs' | 'intervalMs'>,
): string {
  for (const name of UNSUPPORTED_ON_18_16) {
    if (new RegExp(`\\${name}\\b`).test(sql)) throw new Error(`${name} does not work on ClickHouse 18.16`);
  }
  const from = `toDateTime(${Math.floor(context.fromMs / 1000)})`;
  const to = `toDateTime(${Math.floor(context.toMs / 1000)})`;
  const intervalSeconds = String(Math.max(Math.floor(context.intervalMs / 1000), 1));
  return sql
    .replace(/\$__timeFilter\(([^)]*)\)/g, (_, column: string) => {
      const c = column.trim();
      return `${c} >= ${from} AND ${c} <= ${to}`;
    })
    .replace(/\$__fromTime\b/g, from)
    .replace(/\$__toTime\b/g, to)
    .replace(/\$__interval_s\b/g, intervalSeconds);
}

/** The SQL ClickHouse receives for a panel or variable query. */
export function expandGrafanaSql(sql: string, context: ExpandContext): string {
  const expanded = applyBackendMacros(
    replaceVariables(applyConditionalAll(sql, context.variables), context.variables),
    context,
  );
  const leftover = /\$__\w+|\$\{\w+\}|\[\[\w+\]\]/.exec(expanded);
  if (leftover) throw new Error(`unexpanded ${leftover[0]} in:\n${expanded}`);
  return expanded;
}
