import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/**
 * The folder layout is the architecture (docs/architecture.md): these edges
 * would tangle it, so a change that adds one fails here rather than in review.
 */
const ROOT = resolve(__dirname, '..', '..');
const SOURCE_FOLDERS = [
  'activities',
  'api',
  'background',
  'config',
  'experiments',
  'metrics',
  'plans',
  'prisma',
  'replies',
  'reports',
  'schemas',
  'scripts',
  'simulation',
  'simulator',
  'tracing',
  'worker',
  'workflows',
];

interface ImportEdge {
  file: string;
  specifier: string;
  /** The repository folder the import lands in, or null for a package. */
  target: string | null;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.split(sep).includes('generated'))
    .map((path) => join(folder, path));
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): ImportEdge[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(IMPORT)].map((match) => {
    const specifier = match[1] ?? match[2] ?? '';
    if (!specifier.startsWith('.')) return { file, specifier, target: null };
    const landed = relative(ROOT, resolve(dirname(join(ROOT, file)), specifier));
    return { file, specifier, target: landed };
  });
}

const EDGES = SOURCE_FOLDERS.flatMap(sourceFiles).flatMap(importsOf);

function violations(from: string, isForbidden: (edge: ImportEdge) => boolean): string[] {
  return EDGES.filter((edge) => edge.file.startsWith(from + sep) && isForbidden(edge)).map(
    (edge) => `${edge.file} imports ${edge.specifier}`,
  );
}

const into = (folder: string) => (edge: ImportEdge) =>
  edge.target !== null && (edge.target === folder || edge.target.startsWith(folder + sep));

describe('import boundaries', () => {
  it('finds the imports it checks', () => {
    // A regex that stopped matching would make every rule below pass vacuously.
    expect(EDGES.filter((edge) => edge.file.startsWith(`api${sep}`)).length).toBeGreaterThan(100);
    expect(violations('workflows', into('workflows')).length).toBeGreaterThan(10);
  });

  it('api/ does not import worker/: the API runs without a worker in its process', () => {
    expect(violations('api', into('worker'))).toEqual([]);
  });

  it('api/ and simulator/ do not import each other; the API never loads the time-skipping test server', () => {
    expect(violations('api', into('simulator'))).toEqual([]);
    expect(violations('simulator', into('api'))).toEqual([]);
    expect(violations('simulation', into('api'))).toEqual([]);
    expect(violations('api', (edge) => edge.specifier.startsWith('@temporalio/testing'))).toEqual([]);
  });

  it('api/ loads only the client side of tracing: the worker side needs @temporalio/worker', () => {
    const workerSide = join('tracing', 'temporal-worker-tracing');
    expect(violations('api', into(workerSide))).toEqual([]);
    const loadsWorker = (edge: ImportEdge) =>
      edge.specifier === '@temporalio/worker' ||
      edge.specifier === '@temporalio/interceptors-opentelemetry' ||
      edge.specifier.startsWith('@temporalio/interceptors-opentelemetry/lib/worker');
    const found = violations('tracing', loadsWorker);
    // The worker side itself is found: the check is not passing vacuously.
    expect(found.filter((v) => v.startsWith(workerSide)).length).toBeGreaterThan(0);
    expect(found.filter((v) => !v.startsWith(workerSide))).toEqual([]);
  });

  it('workflows/ import no activities, worker, api or database code', () => {
    for (const folder of ['activities', 'worker', 'api', 'prisma']) {
      expect(violations('workflows', into(folder))).toEqual([]);
    }
  });

  it('workflows/ import no Node modules: the workflow sandbox has none', () => {
    expect(violations('workflows', (edge) => edge.specifier.startsWith('node:'))).toEqual([]);
  });

  it('activities/ do not import the API or the worker wiring', () => {
    expect(violations('activities', into('api'))).toEqual([]);
    expect(violations('activities', into('worker'))).toEqual([]);
  });

  it('the engine does not import the workflow around it', () => {
    expect(violations(join('workflows', 'engine'), into(join('workflows', 'nurture-workflow')))).toEqual([]);
  });
});
