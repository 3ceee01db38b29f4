import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sha256Hex } from '../../activities/audiences/audience-identifiers';
import { createLinkedInMatchedAudience } from '../../activities/audiences/linkedin-matched-audience';
import { createMetaCustomAudience } from '../../activities/audiences/meta-custom-audience';
import {
  PermanentProviderError,
  ProviderConfigurationError,
  TransientProviderError,
} from '../../activities/providers/provider-errors';

interface Recorded {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A local server that records each request and answers what the test scripts, in the platform's format. */
async function platformServer(answer: (request: Recorded) => Reply) {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      const reply = answer(request);
      res.writeHead(reply.status, { 'content-type': 'application/json', ...reply.headers });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return {
    base: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}

type Server = Awaited<ReturnType<typeof platformServer>>;
let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error('rejected with a non-error', { cause: error });
  }
  throw new Error('expected the call to fail');
}

const ada = { emailSha256: sha256Hex('ada@example.com'), phoneSha256: sha256Hex('14155550123') };
const bob = { emailSha256: sha256Hex('bob@example.com'), phoneSha256: null };

describe('Meta custom audience users', () => {
  const NOW = Date.parse('2026-03-02T10:00:00Z');

  async function meta(answer: (request: Recorded) => Reply) {
    server = await platformServer(answer);
    return createMetaCustomAudience({
      accessToken: 'meta-token',
      audienceIds: { awareness: '23850000000000001' },
      baseUrl: `${server.base}/v25.0`,
      now: () => NOW,
    });
  }

  /** What Meta documents as the answer to an upload of `data`. */
  function accepted(request: Recorded): Reply {
    const payload = JSON.parse(new URLSearchParams(request.body).get('payload') ?? '{}') as {
      data: unknown[];
    };
    return {
      status: 200,
      body: {
        audience_id: '23850000000000001',
        session_id: '9778993',
        num_received: payload.data.length,
        num_invalid_entries: 0,
        invalid_entry_samples: {},
      },
    };
  }

  function form(request: Recorded) {
    const params = new URLSearchParams(request.body);
    return {
      payload: JSON.parse(params.get('payload') ?? 'null') as unknown,
      session: JSON.parse(params.get('session') ?? 'null') as unknown,
      token: params.get('access_token'),
    };
  }

  test('adds with POST /{audience id}/users: hashed payload, one-batch session, token in the body', async () => {
    const platform = await meta(accepted);
    const result = await platform.addMembers('awareness', [ada, bob]);
    expect(result).toEqual({ received: 2, invalid: 0, rejected: [] });
    expect(server?.requests).toHaveLength(2);
    const [withPhone, emailOnly] = server?.requests ?? [];
    expect(withPhone?.method).toBe('POST');
    expect(withPhone?.url).toBe('/v25.0/23850000000000001/users');
    expect(withPhone?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(withPhone === undefined ? null : form(withPhone)).toEqual({
      payload: { schema: ['EMAIL', 'PHONE'], data: [[ada.emailSha256, ada.phoneSha256]] },
      session: {
        session_id: expect.any(Number),
        batch_seq: 1,
        last_batch_flag: true,
        estimated_num_total: 1,
      },
      token: 'meta-token',
    });
    expect(emailOnly === undefined ? null : form(emailOnly).payload).toEqual({
      schema: 'EMAIL_SHA256',
      data: [bob.emailSha256],
    });
    // Nothing in clear: no address and no token in any URL.
    for (const request of server?.requests ?? []) {
      expect(request.url).not.toContain('token');
      expect(request.body).not.toContain('example.com');
    }
  });

  test('removes with DELETE on the same edge and payload', async () => {
    const platform = await meta(accepted);
    await platform.removeMembers('awareness', [bob]);
    expect(server?.requests[0]?.method).toBe('DELETE');
    expect(server?.requests[0] === undefined ? null : form(server.requests[0]).payload).toEqual({
      schema: 'EMAIL_SHA256',
      data: [bob.emailSha256],
    });
  });

  test('reports the invalid entries Meta counted', async () => {
    const platform = await meta(() => ({
      status: 200,
      body: {
        audience_id: '1',
        session_id: '2',
        num_received: 1,
        num_invalid_entries: 1,
        invalid_entry_samples: {},
      },
    }));
    expect(await platform.addMembers('awareness', [bob])).toEqual({ received: 1, invalid: 1, rejected: [] });
  });

  test('429 with Retry-After is transient and carries the wait', async () => {
    const platform = await meta(() => ({ status: 429, headers: { 'retry-after': '7' }, body: {} }));
    const error = await failureOf(platform.addMembers('awareness', [bob]));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error instanceof TransientProviderError ? error.retryAfterMs : null).toBe(7_000);
  });

  test('500 is transient', async () => {
    const platform = await meta(() => ({
      status: 500,
      body: { error: { message: 'An unknown error occurred', type: 'OAuthException', code: 1 } },
    }));
    const error = await failureOf(platform.addMembers('awareness', [bob]));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error instanceof TransientProviderError ? error.retryAfterMs : null).toBeUndefined();
  });

  test('a throttling code sent with HTTP 400 (80003, custom audience throttle) is transient', async () => {
    const platform = await meta(() => ({
      status: 400,
      body: { error: { message: 'There have been too many calls', type: 'OAuthException', code: 80003 } },
    }));
    expect(await failureOf(platform.addMembers('awareness', [bob]))).toBeInstanceOf(TransientProviderError);
  });

  test('400 invalid parameter is permanent, with Meta code and message, not a credentials error', async () => {
    const platform = await meta(() => ({
      status: 400,
      body: {
        error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 1713230 },
      },
    }));
    const error = await failureOf(platform.addMembers('awareness', [bob]));
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).not.toBeInstanceOf(ProviderConfigurationError);
    expect(error.message).toBe('meta: HTTP 400: code 100/1713230 Invalid parameter');
  });

  test('an expired token (code 190) is a configuration error', async () => {
    const platform = await meta(() => ({
      status: 400,
      body: { error: { message: 'Error validating access token', type: 'OAuthException', code: 190 } },
    }));
    expect(await failureOf(platform.addMembers('awareness', [bob]))).toBeInstanceOf(
      ProviderConfigurationError,
    );
  });

  test('an audience without a configured id is refused before any request', async () => {
    const platform = await meta(accepted);
    expect(platform.handles('decision')).toBe(false);
    expect(await failureOf(platform.addMembers('decision', [bob]))).toBeInstanceOf(PermanentProviderError);
    expect(server?.requests).toHaveLength(0);
  });

  test('an unreachable server is transient', async () => {
    const platform = createMetaCustomAudience({
      accessToken: 't',
      audienceIds: { awareness: '1' },
      // Port 9 (discard) on the loopback: connection refused.
      baseUrl: 'http://127.0.0.1:9/v25.0',
    });
    expect(await failureOf(platform.addMembers('awareness', [bob]))).toBeInstanceOf(TransientProviderError);
  });
});

describe('LinkedIn DMP segment users', () => {
  async function linkedin(answer: (request: Recorded) => Reply) {
    server = await platformServer(answer);
    return createLinkedInMatchedAudience({
      accessToken: 'li-token',
      segmentIds: { awareness: '555' },
      baseUrl: server.base,
      version: '202601',
    });
  }

  /** LinkedIn's BATCH_CREATE answer: one status per element, in order. */
  function created(request: Recorded): Reply {
    const { elements } = JSON.parse(request.body) as { elements: unknown[] };
    return { status: 200, body: { elements: elements.map(() => ({ status: 201 })) } };
  }

  test('adds with a BATCH_CREATE of ADD elements carrying SHA256_EMAIL ids', async () => {
    const platform = await linkedin(created);
    expect(await platform.addMembers('awareness', [ada, bob])).toEqual({
      received: 2,
      invalid: 0,
      rejected: [],
    });
    const request = server?.requests[0];
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/rest/dmpSegments/555/users');
    expect(request?.headers).toMatchObject({
      authorization: 'Bearer li-token',
      'linkedin-version': '202601',
      'x-restli-protocol-version': '2.0.0',
      'x-restli-method': 'BATCH_CREATE',
      'content-type': 'application/json',
    });
    expect(JSON.parse(request?.body ?? 'null')).toEqual({
      elements: [
        { action: 'ADD', userIds: [{ idType: 'SHA256_EMAIL', idValue: ada.emailSha256 }] },
        { action: 'ADD', userIds: [{ idType: 'SHA256_EMAIL', idValue: bob.emailSha256 }] },
      ],
    });
  });

  test('removes with REMOVE elements on the same endpoint', async () => {
    const platform = await linkedin(created);
    await platform.removeMembers('awareness', [bob]);
    expect(JSON.parse(server?.requests[0]?.body ?? 'null')).toEqual({
      elements: [{ action: 'REMOVE', userIds: [{ idType: 'SHA256_EMAIL', idValue: bob.emailSha256 }] }],
    });
  });

  test('an element LinkedIn refuses is reported by its position', async () => {
    const platform = await linkedin(() => ({
      status: 200,
      body: { elements: [{ status: 201 }, { status: 400, error: { message: 'Invalid idValue' } }] },
    }));
    expect(await platform.addMembers('awareness', [ada, bob])).toEqual({
      received: 2,
      invalid: 1,
      rejected: [{ index: 1, reason: 'linkedin refused the entry: 400 Invalid idValue' }],
    });
  });

  test('429 with Retry-After is transient and carries the wait', async () => {
    const platform = await linkedin(() => ({
      status: 429,
      headers: { 'retry-after': '3' },
      body: { status: 429, message: 'Too many requests' },
    }));
    const error = await failureOf(platform.addMembers('awareness', [bob]));
    expect(error).toBeInstanceOf(TransientProviderError);
    expect(error instanceof TransientProviderError ? error.retryAfterMs : null).toBe(3_000);
  });

  test('500 is transient', async () => {
    const platform = await linkedin(() => ({
      status: 500,
      body: { status: 500, message: 'Internal error' },
    }));
    expect(await failureOf(platform.addMembers('awareness', [bob]))).toBeInstanceOf(TransientProviderError);
  });

  test('400 is permanent, with LinkedIn service error code and message', async () => {
    const platform = await linkedin(() => ({
      status: 400,
      body: {
        status: 400,
        serviceErrorCode: 100,
        code: 'UNPROCESSABLE_ENTITY',
        message: 'Segment is archived',
      },
    }));
    const error = await failureOf(platform.addMembers('awareness', [bob]));
    expect(error).toBeInstanceOf(PermanentProviderError);
    expect(error).not.toBeInstanceOf(ProviderConfigurationError);
    expect(error.message).toBe('linkedin: HTTP 400: 100 Segment is archived');
  });

  test('401 is a configuration error', async () => {
    const platform = await linkedin(() => ({
      status: 401,
      body: { status: 401, serviceErrorCode: 65601, code: 'REVOKED_ACCESS_TOKEN', message: 'revoked' },
    }));
    expect(await failureOf(platform.removeMembers('awareness', [bob]))).toBeInstanceOf(
      ProviderConfigurationError,
    );
  });
});
