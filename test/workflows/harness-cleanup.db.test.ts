import { spawn } from 'node:child_process';
import path from 'node:path';

/**
 * Issue 15, defect 11: a test that timed out left its worker polling a
 * stopped time-skipping server, and jest never exited. Runs a test that
 * times out (test/fixtures/harness/times-out.fixture.ts) in a jest of its own
 * and checks that jest reports the timeout and exits soon after, without
 * `--forceExit`.
 */
const ROOT = path.join(__dirname, '../..');
const EXIT_WITHIN_MS = 60_000;

test('a workflow test that times out still stops its worker and server: jest exits', async () => {
  const config = {
    rootDir: ROOT,
    testMatch: ['<rootDir>/test/fixtures/harness/times-out.fixture.ts'],
    transform: {
      '^.+\\.ts$': [
        '@swc/jest',
        {
          jsc: { target: 'es2022', parser: { syntax: 'typescript' } },
          module: { type: 'commonjs', ignoreDynamic: true },
        },
      ],
    },
    testEnvironment: 'node',
  };
  const started = Date.now();
  const child = spawn(
    process.execPath,
    [
      '--experimental-vm-modules',
      'node_modules/jest/bin/jest.js',
      '--config',
      JSON.stringify(config),
      '--runInBand',
    ],
    { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | string>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('still running');
    }, EXIT_WITHIN_MS);
    child.once('exit', (exitCode, signal) => {
      clearTimeout(timer);
      resolve(exitCode ?? signal ?? 'unknown');
    });
  });
  expect({ code, timedOut: output.includes('Exceeded timeout of 5000 ms') }).toEqual({
    code: 1,
    timedOut: true,
  });
  expect(Date.now() - started).toBeLessThan(EXIT_WITHIN_MS);
}, 90_000);
