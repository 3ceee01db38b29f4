/**
 * `npm run build`: a `dist/` that runs with plain `node` (the container image
 * ships only it). The compiled code reads some files beside itself at run
 * time, as the sources do under tsx: the plan catalog its plans' JSON and
 * templates (plans/plan-catalog.ts), the migration runner its SQL
 * (prisma/migrate.ts). tsc emits neither, so they are copied here.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

// From empty: a template or migration left over from an earlier build would be
// loaded as if it were current (an unused template even makes the plan invalid).
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  cwd: root,
  stdio: 'inherit',
});

for (const file of readdirSync(path.join(root, 'plans')).filter((f) => f.endsWith('.json'))) {
  cpSync(path.join(root, 'plans', file), path.join(dist, 'plans', file));
}
cpSync(path.join(root, 'plans', 'templates'), path.join(dist, 'plans', 'templates'), { recursive: true });
cpSync(path.join(root, 'prisma', 'migrations'), path.join(dist, 'prisma', 'migrations'), { recursive: true });
