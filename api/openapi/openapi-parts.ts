import type { OpenAPIRegistry, RouteConfig, ZodMediaTypeObject } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import type { Scope } from '../auth/scopes';

/** The pieces every operation of the document is built from: problems, responses, bodies. */

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    requestId: z.string().optional(),
    issues: z
      .array(
        z.object({ path: z.array(z.union([z.string(), z.number()])), code: z.string(), message: z.string() }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; `type` is a stable, machine-readable id.' });

export const anyJson = z.record(z.string(), z.unknown());

export type Responses = RouteConfig['responses'];

export const problemContent = { 'application/problem+json': { schema: problemSchema } };

export function problem(description: string) {
  return { description, content: problemContent };
}

export function json(description: string, schema: z.ZodType = anyJson) {
  return { description, content: { 'application/json': { schema } } };
}

const retryAfter = {
  'Retry-After': { schema: { type: 'integer' as const, minimum: 1 }, description: 'Seconds to wait.' },
};

/** The answers every authenticated route may give besides its own. */
const COMMON: Responses = {
  400: problem(
    'The request breaks this document: `issues` lists each problem. Unknown fields are rejected, and so are ' +
      'strings containing U+0000 (NUL), which PostgreSQL cannot store.',
  ),
  401: problem('No API key, or a key that is unknown or revoked.'),
  403: problem('The key lacks the scope this route needs.'),
  413: problem('The body exceeds the limit.'),
  429: {
    ...problem(
      'Too many requests for this key, or too many failed authentications from this address; see Retry-After.',
    ),
    headers: retryAfter,
  },
};

/** 422 where a field of the documented shape may still name nothing this service can use. */
export const UNPROCESSABLE_RESPONSE = problem(
  'Well-formed, but a value names nothing this service can use: a phone number no operator can have ' +
    'assigned (libphonenumber), a time zone the runtime does not know. `issues` says which.',
);

export function v1(
  registry: OpenAPIRegistry,
  config: Omit<RouteConfig, 'responses'> & { scopes: Scope[]; responses: Responses },
): void {
  const { scopes, responses, description, ...rest } = config;
  registry.registerPath({
    ...rest,
    description:
      `${description ?? ''}\n\nScope: ${scopes.map((s) => `\`${s}\``).join(' or ')} (or \`admin\`).`.trim(),
    security: [{ bearer: [] }, { apiKeyHeader: [] }],
    responses: { ...COMMON, ...responses },
  });
}

/**
 * A required JSON body (every route that takes one refuses a request
 * without it), in zod's own JSON Schema rather than zod-to-openapi's: that
 * one recurses forever on z.json() (free-form event data) and leaves out what
 * Schemathesis needs to generate only what the route accepts (the patterns
 * behind `format: email` and `date-time`, the allowed keys of a record).
 * OpenAPI 3.1 speaks JSON Schema 2020-12. Local `$defs` move to components so
 * every `$ref` resolves from the document's root.
 */
export function nativeBody(registry: OpenAPIRegistry, name: string, schema: z.ZodType) {
  const generated = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<
    string,
    unknown
  >;
  // The document declares its dialect once; a per-schema $schema is dropped.
  const { $defs, ...root } = generated;
  delete root.$schema;
  const rename = (key: string) => `${name}_${key.replace(/^_+/, '')}`;
  const relink = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value).replace(
        /"#\/\$defs\/([^"]+)"/g,
        (_m, key: string) => `"#/components/schemas/${rename(key)}"`,
      ),
    );
  for (const [key, definition] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
    registry.registerComponent(
      'schemas',
      rename(key),
      relink(definition) as Parameters<typeof registry.registerComponent<'schemas'>>[2],
    );
  }
  return {
    required: true,
    content: { 'application/json': { schema: relink(root) as ZodMediaTypeObject['schema'] } },
  };
}
