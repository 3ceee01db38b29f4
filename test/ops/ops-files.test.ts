import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { metricsRegistry, registerBacklogGauges } from '../../metrics/service-metrics';
import { LEAD_EVENT_TYPES } from '../../workflows/lead-event';
import { CHANNELS } from '../../workflows/rules/channels';
import { promqlMetricNames, promqlSelectors } from './promql-metric-names';

const root = path.resolve(__dirname, '../..');
const alertsPath = path.join(root, 'ops/prometheus/alerts.yml');
const alertTestsPath = path.join(root, 'ops/prometheus/alerts.test.yml');
const scrapeConfigPath = path.join(root, 'ops/prometheus/prometheus.yml');
const dashboardPath = path.join(root, 'ops/grafana/nurture-dashboard.json');
const temporalNamesPath = path.join(__dirname, 'temporal-sdk-metric-names.txt');

// Series Prometheus writes itself for every target, not exported by anyone.
const PROMETHEUS_SYNTHETIC = ['up'];
// Labels Prometheus adds to every scraped series.
const TARGET_LABELS = ['job', 'instance'];

// The label values an alert or a panel may match on, where the service's own
// vocabulary says what they can be: a renamed event type must not leave the
// opt-out alert matching nothing.
const LABEL_VOCABULARY: Record<string, readonly string[]> = {
  type: LEAD_EVENT_TYPES,
  channel: CHANNELS,
};

const rulesFile = z.object({
  groups: z.array(
    z.object({
      name: z.string(),
      rules: z.array(
        z.object({
          alert: z.string(),
          expr: z.string(),
          for: z.string().optional(),
          labels: z.object({ severity: z.enum(['warning', 'critical']) }),
          annotations: z.object({ summary: z.string(), description: z.string() }),
        }),
      ),
    }),
  ),
});

const ruleTestsFile = z.object({
  tests: z.array(z.object({ name: z.string(), input_series: z.array(z.object({ series: z.string() })) })),
});

interface Panel {
  title: string;
  type: string;
  targets?: { expr: string }[] | undefined;
  panels?: Panel[] | undefined;
}
const panel: z.ZodType<Panel> = z.lazy(() =>
  z.object({
    title: z.string(),
    type: z.string(),
    targets: z.array(z.object({ expr: z.string() })).optional(),
    panels: z.array(panel).optional(),
  }),
);
const dashboardFile = z.object({ uid: z.string(), title: z.string(), panels: z.array(panel) });

const metricKind = z.enum(['counter', 'gauge', 'histogram', 'summary']);

interface Query {
  where: string;
  expr: string;
}

function ruleQueries(): Query[] {
  const rules = rulesFile.parse(parseYaml(readFileSync(alertsPath, 'utf8')));
  return rules.groups.flatMap((group) =>
    group.rules.map((rule) => ({ where: `alert ${rule.alert}`, expr: rule.expr })),
  );
}

// The synthetic series the rule tests feed are selectors too: a test that
// feeds a misspelled name would pass while proving nothing.
function ruleTestSeries(): Query[] {
  const file = ruleTestsFile.parse(parseYaml(readFileSync(alertTestsPath, 'utf8')));
  return file.tests.flatMap((t) =>
    t.input_series.map((input) => ({ where: `rule test "${t.name}"`, expr: input.series })),
  );
}

function flatPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((p) => [p, ...flatPanels(p.panels ?? [])]);
}

function dashboardPanels(): Panel[] {
  const dashboard = dashboardFile.parse(JSON.parse(readFileSync(dashboardPath, 'utf8')));
  return flatPanels(dashboard.panels);
}

function dashboardQueries(): Query[] {
  return dashboardPanels().flatMap((p) =>
    (p.targets ?? []).map((t) => ({ where: `panel "${p.title}"`, expr: t.expr })),
  );
}

async function serviceSeriesNames(): Promise<Set<string>> {
  // The backlog gauges exist only once a process with a database registers
  // them; fake readers stand in so their names are part of the registry.
  registerBacklogGauges({
    inboxBacklog: () => Promise.resolve(0),
    bulkRowsPending: () => Promise.resolve(0),
  });
  const names = new Set<string>();
  for (const metric of await metricsRegistry.getMetricsAsJSON()) {
    // prom-client's typings declare `type` a numeric enum it does not export;
    // at run time it is the exposition format's word.
    const type = metricKind.parse(metric.type);
    const suffixes =
      type === 'histogram'
        ? ['_bucket', '_sum', '_count']
        : type === 'summary'
          ? ['', '_sum', '_count']
          : [''];
    for (const suffix of suffixes) names.add(metric.name + suffix);
  }
  return names;
}

// prom-client keeps each metric's label names on the instance; its typings
// do not show them, so they are read through a schema.
const labelled = z.object({ name: z.string(), labelNames: z.array(z.string()) });

/** Series name → the labels it can carry, for the service's own metrics. */
function serviceLabels(): Map<string, Set<string>> {
  const labels = new Map<string, Set<string>>();
  for (const metric of metricsRegistry.getMetricsAsArray()) {
    const { name, labelNames } = labelled.parse(metric);
    const own = [...labelNames, ...TARGET_LABELS];
    labels.set(name, new Set(own));
    for (const suffix of ['_sum', '_count']) labels.set(name + suffix, new Set(own));
    labels.set(`${name}_bucket`, new Set([...own, 'le']));
  }
  return labels;
}

function temporalSeriesNames(): Set<string> {
  const lines = readFileSync(temporalNamesPath, 'utf8').split('\n');
  return new Set(lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#')));
}

/** Each query's names that no exporter has, as "where: name" lines. */
function unknownNames(queries: Query[], known: Set<string>): string[] {
  return queries.flatMap((q) =>
    promqlMetricNames(q.expr)
      .filter((name) => !known.has(name))
      .map((name) => `${q.where}: ${name}`),
  );
}

function promtool(args: string[]): { found: boolean; status: number | null; output: string } {
  const run = spawnSync('promtool', args, { cwd: root, encoding: 'utf8' });
  if (run.error !== undefined) return { found: false, status: null, output: run.error.message };
  return { found: true, status: run.status, output: `${run.stdout}${run.stderr}` };
}

describe('the PromQL name extractor', () => {
  test.each([
    ['rate(nurture_touches_total[5m])', ['nurture_touches_total']],
    [
      'sum by (channel, outcome) (rate(nurture_touches_total{channel="sms", outcome=~"sent|failed"}[$__rate_interval]))',
      ['nurture_touches_total'],
    ],
    ['histogram_quantile(0.99, sum(rate(a_bucket[5m])) by (le, route)) > 0.5', ['a_bucket']],
    ['a / on (job) group_left (x) b offset 1h > bool 3e2', ['a', 'b']],
    ['min_over_time(g[15m]) > 0 and deriv(g[15m:1m]) > 0 or vector(0)', ['g']],
    ['x{reason="a}b [1m]"} unless y', ['x', 'y']],
    ['up{job=~"nurture.*"} == 0', ['up']],
  ])('%s reads %j', (expr, names) => {
    expect(promqlMetricNames(expr)).toEqual(names);
  });
});

test('the selector reader keeps each matcher, even with a brace in a value', () => {
  expect(promqlSelectors('sum(rate(a{x="1}", y!~"b|c"}[5m])) / b{z=~".+"}')).toEqual([
    {
      metric: 'a',
      matchers: [
        { label: 'x', op: '=', value: '1}' },
        { label: 'y', op: '!~', value: 'b|c' },
      ],
    },
    { metric: 'b', matchers: [{ label: 'z', op: '=~', value: '.+' }] },
  ]);
});

describe('ops/ reads only metrics the service and the Temporal SDK export', () => {
  let known: Set<string>;
  let service: Set<string>;
  beforeAll(async () => {
    service = await serviceSeriesNames();
    known = new Set([...service, ...temporalSeriesNames(), ...PROMETHEUS_SYNTHETIC]);
  });

  test('the check refuses a name nobody exports', () => {
    const misspelled = [{ where: 'panel "x"', expr: 'sum(rate(nurture_touch_total[5m]))' }];
    expect(unknownNames(misspelled, known)).toEqual(['panel "x": nurture_touch_total']);
  });

  test('every alert rule', () => {
    const queries = ruleQueries();
    expect(queries.length).toBeGreaterThan(0);
    expect(unknownNames(queries, known)).toEqual([]);
  });

  test('every dashboard query', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThan(0);
    expect(unknownNames(queries, known)).toEqual([]);
  });

  test('every series the rule tests feed', () => {
    const queries = ruleTestSeries();
    expect(queries.length).toBeGreaterThan(0);
    expect(unknownNames(queries, known)).toEqual([]);
  });

  test("matchers on the service's metrics name labels those metrics have, with values the service writes", () => {
    const labels = serviceLabels();
    const wrong = [...ruleQueries(), ...dashboardQueries(), ...ruleTestSeries()].flatMap((q) =>
      promqlSelectors(q.expr).flatMap(({ metric, matchers }) => {
        const own = labels.get(metric);
        if (own === undefined) return [];
        return matchers.flatMap((m) => {
          if (!own.has(m.label)) return [`${q.where}: ${metric} has no label ${m.label}`];
          const vocabulary = LABEL_VOCABULARY[m.label];
          if (m.op === '=' && vocabulary !== undefined && !vocabulary.includes(m.value)) {
            return [`${q.where}: ${metric}{${m.label}="${m.value}"} is never written`];
          }
          return [];
        });
      }),
    );
    expect(wrong).toEqual([]);
  });

  test('no query names a series through __name__, which the extractor cannot see', () => {
    const hidden = [...ruleQueries(), ...dashboardQueries()].filter((q) => q.expr.includes('__name__'));
    expect(hidden.map((q) => q.where)).toEqual([]);
  });

  test('every metric the service exports has a panel', () => {
    const used = new Set(dashboardQueries().flatMap((q) => promqlMetricNames(q.expr)));
    const base = (name: string): string => name.replace(/_(bucket|sum|count)$/, '');
    const usedBases = new Set([...used].map(base));
    const missing = [...service].filter((name) => !used.has(name) && !usedBases.has(base(name)));
    expect(missing).toEqual([]);
  });

  test('every panel that draws data has a query', () => {
    const empty = dashboardPanels().filter((p) => p.type !== 'row' && (p.targets ?? []).length === 0);
    expect(empty.map((p) => p.title)).toEqual([]);
  });
});

describe('promtool', () => {
  const available = promtool(['--version']).found;
  const when = available ? test : test.skip;
  const skipped = available ? '' : ' (skipped: promtool is not on PATH; apt-get install prometheus)';

  when(`check rules ops/prometheus/alerts.yml${skipped}`, () => {
    const run = promtool(['check', 'rules', alertsPath]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  // Synthetic series through each rule: what must fire and what must not.
  when(`test rules ops/prometheus/alerts.test.yml${skipped}`, () => {
    const run = promtool(['test', 'rules', alertTestsPath]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });

  // promtool parses PromQL only inside rule files, so the dashboard's queries
  // become recording rules, with Grafana's interval variables given a value.
  when(`parses every dashboard query${skipped}`, () => {
    const rules = dashboardQueries().map((q, i) => ({
      record: `dashboard:query_${String(i)}`,
      expr: q.expr.replace(/\$__(?:rate_interval|interval|range)\b/g, '5m'),
    }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ops-dashboard-'));
    try {
      const file = path.join(dir, 'dashboard-queries.yml');
      writeFileSync(file, stringifyYaml({ groups: [{ name: 'dashboard', rules }] }));
      const run = promtool(['check', 'rules', file]);
      expect(run.output).toContain(`SUCCESS: ${String(rules.length)} rules found`);
      expect(run.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // --syntax-only: the example's credentials file exists only on a real
  // Prometheus host, and a full check refuses a missing one.
  when(`check config --syntax-only ops/prometheus/prometheus.yml${skipped}`, () => {
    const run = promtool(['check', 'config', '--syntax-only', scrapeConfigPath]);
    expect(run.output).toContain('SUCCESS');
    expect(run.status).toBe(0);
  });
});
