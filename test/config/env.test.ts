import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { ConfigError, parseEnv } from '../../config/env';

describe('configuration', () => {
  test('defaults when nothing is set: embedded database, local dev server', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({
      PORT: 3000,
      DATA_DIR: '.data',
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TASK_QUEUE: 'nurture',
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
  });

  test('empty strings count as unset', () => {
    const env = parseEnv({ DATABASE_URL: '', TEMPORAL_ADDRESS: '' });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.TEMPORAL_ADDRESS).toBeUndefined();
  });

  test('a client certificate needs its key', () => {
    expect(() => parseEnv({ TEMPORAL_TLS_CERT_PATH: '/c.pem' })).toThrow(
      /TEMPORAL_TLS_KEY_PATH: .*set together/,
    );
  });

  test('every bad variable is named, and no value is echoed', () => {
    const secret = 'mysql://root:hunter2@db/x';
    let error: unknown;
    try {
      parseEnv({ PORT: 'eighty', DATABASE_URL: secret, TEMPORAL_ADDRESS: 'http://x' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toMatch(/PORT:/);
    expect(message).toMatch(/DATABASE_URL: must be a postgresql:\/\/ connection URL/);
    expect(message).toMatch(/TEMPORAL_ADDRESS: must be host:port/);
    expect(message).not.toContain('hunter2');
  });

  test('the service refuses to start on a bad value, with the message and exit code 1', () => {
    const root = path.resolve(__dirname, '../..');
    const result = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/start.ts'], {
      cwd: root,
      env: { ...process.env, PORT: '99999', DATABASE_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Invalid configuration');
    expect(result.stderr).toMatch(/PORT: /);
  });
});
