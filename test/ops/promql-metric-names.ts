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
