import { readFileSync } from 'node:fs';
import path from 'node:path';
import { searchAttributeCliPairs } from '../../worker/register-search-attributes';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

/**
 * The workflow upserts these attributes on every step, and a server that does
 * not know one fails the workflow task: every place that registers them must
 * register exactly the workflow's list.
 */
const root = path.join(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const expected = [...searchAttributeCliPairs()].sort();

test('the code list is what the workflow upserts, with the CLI type names', () => {
  expect(SEARCH_ATTRIBUTES.map((key) => key.name)).toEqual([
    'LeadStatus',
    'LeadScore',
    'OwnerId',
    'PlanId',
    'NextActionAt',
    'LeadArm',
  ]);
  expect(expected).toEqual([
    'LeadArm=Keyword',
    'LeadScore=Int',
    'LeadStatus=Keyword',
    'NextActionAt=Datetime',
    'OwnerId=Keyword',
    'PlanId=Keyword',
  ]);
});

test('docker-compose.yml registers exactly those attributes', () => {
  const loop = /for sa in ([^;]+); do\s+temporal operator search-attribute create\b/.exec(
    read('docker-compose.yml'),
  );
  expect(loop?.[1]?.trim().split(/\s+/).sort()).toEqual(expected);
});

test("the README's search-attribute command registers exactly those attributes", () => {
  const command = /temporal operator search-attribute create([^`]*?)\n```/.exec(read('README.md'))?.[1] ?? '';
  const pairs = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => `${m[1] ?? ''}=${m[2] ?? ''}`);
  expect(pairs.sort()).toEqual(expected);
});

test('the README and docs/architecture.md name no search attribute the workflow does not upsert', () => {
  const names = new Set<string>(SEARCH_ATTRIBUTES.map((key) => key.name));
  const mentioned = [read('README.md'), read('docs/architecture.md')]
    .flatMap((text) => text.split('\n'))
    .filter((line) => /search (by|attribute)/i.test(line))
    .flatMap((line) => [...line.matchAll(/`([A-Z][A-Za-z]+)`/g)].map((m) => m[1] ?? ''));
  expect(mentioned.length).toBeGreaterThan(0);
  expect(mentioned.filter((name) => !names.has(name))).toEqual([]);
});

test("the README's list queries filter only on attributes that exist", () => {
  // Temporal's own attributes, which every server has.
  const names = new Set<string>([
    ...SEARCH_ATTRIBUTES.map((key) => key.name),
    'ExecutionStatus',
    'WorkflowType',
  ]);
  const queries = [...read('README.md').matchAll(/temporal workflow list --query '([^']*)'/g)].map(
    (m) => m[1] ?? '',
  );
  expect(queries.length).toBeGreaterThanOrEqual(3);
  const filtered = queries.flatMap((query) =>
    [...query.matchAll(/\b([A-Z][A-Za-z]+)\s*(?:=|<|>|BETWEEN)/g)].map((m) => m[1] ?? ''),
  );
  expect(filtered.filter((name) => !names.has(name))).toEqual([]);
});
