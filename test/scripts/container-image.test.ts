import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { envSchema } from '../../config/env';

/**
 * The stack is not run on these machines (no Docker engine), so nothing else
 * notices an entry point renamed under the image's commands, or a metrics or
 * tracing setting the compose file forgets to pass.
 */
const root = path.join(__dirname, '../..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');

const composeSchema = z.object({
  'x-env': z.record(z.string(), z.unknown()),
  services: z.record(
    z.string(),
    z.object({ build: z.string().optional(), command: z.array(z.string()).optional() }),
  ),
});
const compose = composeSchema.parse(parse(read('docker-compose.yml'), { merge: true }));

/** `node dist/x/y.js` runs what `npm run build` compiles from `x/y.ts`. */
function sourceOf(command: readonly string[]): string | undefined {
  const [program, script] = command;
  if (program !== 'node' || script === undefined) return undefined;
  const compiled = /^dist\/(.+)\.js$/.exec(script);
  return compiled?.[1] === undefined ? undefined : `${compiled[1]}.ts`;
}

test("the image's default command runs a compiled entry point", () => {
  const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'))?.[1];
  const source = sourceOf(z.array(z.string()).parse(JSON.parse(cmd ?? '[]')));
  expect(source).toBe('api/main.ts');
});

test('every service built from this repository runs a compiled entry point that exists', () => {
  const built = Object.entries(compose.services).filter(([, service]) => service.build === '.');
  expect(built.map(([name]) => name).sort()).toEqual(['api', 'migrate', 'worker']);
  for (const [name, service] of built) {
    const source = sourceOf(service.command ?? []);
    expect({ name, source, exists: source !== undefined && existsSync(path.join(root, source)) }).toEqual({
      name,
      source: expect.any(String) as unknown,
      exists: true,
    });
  }
});

test('the stack passes every metrics and tracing setting the config knows', () => {
  const settings = Object.keys(envSchema.shape).filter((key) =>
    /^(METRICS_PORT|TEMPORAL_METRICS_PORT|OTEL_)/.test(key),
  );
  expect(settings.length).toBeGreaterThanOrEqual(5);
  expect(settings.filter((key) => !(key in compose['x-env']))).toEqual([]);
});
