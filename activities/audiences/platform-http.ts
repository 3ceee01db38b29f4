import {
  parseRetryAfter,
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../providers/provider-errors';

/** What the audience adapters share to talk HTTP; tests pass their own `fetch` and clock. */
export interface PlatformHttp {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

export const DEFAULT_TIMEOUT_MS = 30_000;

/** The HTTP settings of a platform adapter, from its config's optional overrides. */
export function platformHttpOf(config: {
  fetch?: typeof fetch;
  timeoutMs?: number;
  now?: () => number;
}): PlatformHttp {
  return {
    fetch: config.fetch ?? fetch,
    timeoutMs: config.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    now: config.now ?? Date.now,
  };
}

export interface PlatformResponse {
  status: number;
  headers: Headers;
  /** The parsed JSON body, or null when there was none or it was not JSON. */
  body: unknown;
}

/**
 * One request to a platform. A network failure or a timeout is transient: the
 * request may or may not have arrived, and adding or removing a member twice
 * is harmless on both platforms, so trying again is always safe.
 */
export async function platformRequest(
  http: PlatformHttp,
  platform: string,
  url: string,
  init: RequestInit,
): Promise<PlatformResponse> {
  let response: Response;
  try {
    response = await http.fetch(url, { ...init, signal: AbortSignal.timeout(http.timeoutMs) });
  } catch (error) {
    throw new TransientProviderError(`${platform}: request failed (${errorName(error)})`, undefined, {
      cause: error,
    });
  }
  const text = await response.text().catch(() => '');
  let body: unknown = null;
  if (text !== '') {
    try {
      body = JSON.parse(text);
    } catch {
      body = null;
    }
  }
  return { status: response.status, headers: response.headers, body };
}

/**
 * The HTTP-level classification both platforms document: 429 and 5xx pass
 * (after Retry-After when given), 401/403 are our credentials or permissions
 * (an operator must act), any other 4xx is a request the platform refuses.
 */
export function httpFailure(
  platform: string,
  response: PlatformResponse,
  detail: string,
  now: number,
): TransientProviderError | PermanentProviderError {
  const message = `${platform}: HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`;
  if (response.status === 429 || response.status >= 500) {
    return new TransientProviderError(message, parseRetryAfter(response.headers.get('retry-after'), now));
  }
  if (response.status === 401 || response.status === 403) return new ProviderConfigurationError(message);
  return new PermanentProviderError(message);
}

/** Error texts from a platform end up in rows and logs: keep them one short line. */
export function shortDetail(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}

function errorName(error: unknown): string {
  if (error instanceof Error) return error.name === 'TimeoutError' ? 'timed out' : error.name;
  return 'unknown error';
}

export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
