import { existsSync } from 'node:fs';
import path from 'node:path';
import { TOOLS_VENV } from './temporal-tools';

/**
 * Schemathesis, from the project's virtualenv only (not PATH): the version in
 * the requirements file decides which checks exist, so a different one on
 * PATH would test something else. `npm run setup -- --for-tests` installs it.
 */
export const SCHEMATHESIS_REQUIREMENTS_FILE = path.join(__dirname, 'schemathesis-requirements.txt');

export function schemathesisPath(): string | undefined {
  const candidate = path.join(TOOLS_VENV, 'bin', 'schemathesis');
  return existsSync(candidate) ? candidate : undefined;
}
