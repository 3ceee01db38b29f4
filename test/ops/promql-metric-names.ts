/**
 * The metric names a PromQL expression reads, found by elimination rather than
 * by a full parser: what is left once strings, label matchers, ranges,
 * grouping clauses, Grafana variables, numbers, keywords and function calls
 * are gone is a metric name. Good enough for the expressions in ops/, and it
 * errs towards reporting too much (a stray word becomes an "unknown metric"
 * and fails the test) rather than letting a name through unchecked.
 * Names given as `{__name__="…"}` are not seen: the caller refuses them.
 */

// Words that are never metric names: binary operators and modifiers.
const KEYWORDS = new Set(['and', 'or', 'unless', 'atan2', 'bool', 'offset', 'inf', 'nan', 'start', 'end']);

export function promqlMetricNames(expr: string): string[] {
  const stripped = expr
    // String literals first, so a `}` or `]` inside a label value cannot end a
    // matcher or a range early.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/#[^\n]*/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/gi, ' ')
    .replace(/\b(?:group_left|group_right)\b/gi, ' ')
    // Grafana's variables: $__rate_interval, ${datasource}, $job.
    .replace(/\$\{[^}]*\}|\$\w+/g, ' ')
    // Numbers, including durations after `offset` and 1e3 / 0x1f / .5 forms.
    .replace(/(?<![\w:])(?:0x[0-9a-f]+|\d*\.?\d+(?:e[+-]?\d+)?(?:ms|[smhdwy])?)(?![\w:])/gi, ' ');

  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const rest = stripped.slice(match.index + word.length);
    // A word followed by `(` is a function or an aggregation, not a series.
    if (/^\s*\(/.test(rest)) continue;
    if (KEYWORDS.has(word.toLowerCase())) continue;
    names.add(word);
  }
  return [...names].sort();
}

export interface LabelMatcher {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** Each `metric{…}` selector of an expression, with its label matchers. */
export function promqlSelectors(expr: string): { metric: string; matchers: LabelMatcher[] }[] {
  const selectors: { metric: string; matchers: LabelMatcher[] }[] = [];
  // The braces' content is matched string by string, so a `}` inside a label
  // value does not end the selector.
  const selector = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{((?:[^}"]|"(?:[^"\\]|\\.)*")*)\}/g;
  const matcher = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
  for (const s of expr.matchAll(selector)) {
    const [, metric = '', body = ''] = s;
    const matchers: LabelMatcher[] = [];
    for (const m of body.matchAll(matcher)) {
      const [, label = '', op = '', value = ''] = m;
      if (op === '=' || op === '!=' || op === '=~' || op === '!~') matchers.push({ label, op, value });
    }
    selectors.push({ metric, matchers });
  }
  return selectors;
}
