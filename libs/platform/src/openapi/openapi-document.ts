import type { OpenAPIObject } from '@nestjs/swagger';
import { INT4_MAX, INT4_MIN } from '@postmagiq/contracts';
import { HttpRoute, openApiPath } from '../http/route-table';

type Json = Record<string, unknown>;
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'] as const;

/** RFC 9457 problem details, as every error of the API is answered. */
export const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string', format: 'uri' },
    title: { type: 'string' },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string' },
    instance: { type: 'string' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'message'],
        properties: { field: { type: 'string' }, message: { type: 'string' } },
      },
    },
  },
};

/**
 * What `inputSafety` lets through, said in the schema of every request text: no NUL or other
 * control character (the same class as `FORBIDDEN_CONTROL`).
 */
export const SAFE_TEXT_PATTERN =
  '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$';

/** Any JSON value whose texts and keys are safe (a free-form field such as `demographics`). */
const SAFE_JSON_SCHEMA = {
  nullable: true,
  anyOf: [
    { type: 'number' },
    { type: 'boolean' },
    { type: 'string', pattern: SAFE_TEXT_PATTERN },
    { type: 'array', items: { $ref: '#/components/schemas/SafeJson' } },
    {
      type: 'object',
      patternProperties: { [SAFE_TEXT_PATTERN]: { $ref: '#/components/schemas/SafeJson' } },
      additionalProperties: false,
    },
  ],
};

const PROBLEM_CONTENT = {
  'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } },
};

/**
 * Makes the generated document say what the platform does for every operation, so no controller
 * has to: the problem+json answers every route can give (400 for any request, since the platform
 * refuses unsafe input everywhere; 401/403 where a token is needed; 404 where the path names a
 * resource; 413 with a body; 429; and `default` for the rest), and `security: []` on public routes
 * (login, register, refresh, JWKS, health…), which need no token; path ids parsed as UUIDs are
 * documented as such.
 */
export function completeOpenApiDocument(
  document: OpenAPIObject,
  routes: HttpRoute[],
): OpenAPIObject {
  const uuidParams = new Map(
    routes.map((r) => [`${r.method.toLowerCase()} ${openApiPath(r.path)}`, new Set(r.uuidParams)]),
  );
  const publicOps = new Set(
    routes.filter((r) => r.isPublic).map((r) => `${r.method.toLowerCase()} ${openApiPath(r.path)}`),
  );
  document.components ??= {};
  document.components.schemas = {
    ...(document.components.schemas ?? {}),
    Problem: PROBLEM_SCHEMA,
    SafeJson: SAFE_JSON_SCHEMA,
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      const isPublic = publicOps.has(`${method} ${path}`);
      if (isPublic) op['security'] = [];
      // an id parsed by ParseUUIDPipe is a UUID, whatever the controller documented
      for (const p of (op['parameters'] as Json[] | undefined) ?? []) {
        if (p['in'] === 'path' && uuidParams.get(`${method} ${path}`)?.has(String(p['name'])))
          p['schema'] = { type: 'string', format: 'uuid' };
      }
      for (const p of (op['parameters'] as Json[] | undefined) ?? [])
        if (p['schema']) p['schema'] = safeText(p['schema']);
      for (const media of Object.values(
        ((op['requestBody'] as Json | undefined)?.['content'] ?? {}) as Record<string, Json>,
      )) {
        if (media['schema']) media['schema'] = safeText(media['schema']);
      }
      const responses = (op['responses'] ??= {}) as Json;
      const add = (status: string, description: string) => {
        const existing = responses[status] as Json | undefined;
        responses[status] = { description, ...(existing ?? {}), content: PROBLEM_CONTENT };
      };
      add('400', 'Invalid request: each offending field is named in `errors`');
      if (!isPublic) {
        add('401', 'No valid access token');
        add('403', 'The token lacks a scope or workspace role this operation needs');
      }
      if (path.includes('{'))
        add('404', 'Not found (another workspace’s resource answers the same)');
      if (op['requestBody']) add('413', 'The body is larger than the limit');
      add('429', 'Rate limited: retry after the `Retry-After` seconds');
      add('default', 'Any other error, as problem+json');
    }
  }
  return document;
}

const COMBINATORS = ['anyOf', 'oneOf', 'allOf'];

/**
 * A request schema with the platform's text rule written in: every string without a pattern,
 * format or enum of its own gets SAFE_TEXT_PATTERN (keys of free objects too), and a schema that
 * accepts anything (zod's `unknown`) becomes SafeJson.
 */
function safeText(schema: unknown): unknown {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const s = { ...(schema as Json) };
  if (typeof s['$ref'] === 'string') return s;
  const keys = Object.keys(s).filter(
    (k) => !['description', 'default', 'title', 'example', 'examples'].includes(k),
  );
  if (keys.length === 0) return { ...s, $ref: '#/components/schemas/SafeJson' };
  const types = ([] as unknown[]).concat(s['type'] ?? []);
  if (
    types.includes('string') &&
    s['pattern'] === undefined &&
    s['format'] === undefined &&
    s['enum'] === undefined &&
    s['const'] === undefined
  ) {
    s['pattern'] = SAFE_TEXT_PATTERN;
  }
  if (s['items']) s['items'] = safeText(s['items']);
  if (s['properties'])
    s['properties'] = Object.fromEntries(
      Object.entries(s['properties'] as Json).map(([k, v]) => [k, safeText(v)]),
    );
  // keys of a free object: only safe ones (patternProperties, which generators honour, rather
  // than propertyNames), each holding a safe value
  if (s['additionalProperties'] !== undefined && s['additionalProperties'] !== false) {
    const names = (s['propertyNames'] ?? {}) as Json;
    const keyPattern =
      typeof names['maxLength'] === 'number'
        ? SAFE_TEXT_PATTERN.replace('*$', `{0,${names['maxLength']}}$`)
        : SAFE_TEXT_PATTERN;
    const value =
      s['additionalProperties'] === true
        ? { $ref: '#/components/schemas/SafeJson' }
        : safeText(s['additionalProperties']);
    s['patternProperties'] = {
      ...((s['patternProperties'] as Json | undefined) ?? {}),
      [keyPattern]: value,
    };
    s['additionalProperties'] = false;
    delete s['propertyNames'];
  }
  // zod's email pattern is what the server applies; JSON Schema's `email` format is another rule
  if (s['format'] === 'email' && typeof s['pattern'] === 'string') delete s['format'];
  for (const key of COMBINATORS)
    if (Array.isArray(s[key])) s[key] = (s[key] as unknown[]).map(safeText);
  return s;
}

/**
 * Every integer a request may carry (parameters and bodies, at any depth) whose documented range
 * is wider than a Postgres `integer`: each would reach a column as a 500. Empty when every one is
 * bounded; a test of each composed application asserts that.
 */
export function unboundedRequestIntegers(document: OpenAPIObject): string[] {
  const out: string[] = [];
  const schemas = (document.components?.schemas ?? {}) as Record<string, Json>;
  const visit = (schema: unknown, where: string, seen: Set<unknown>): void => {
    if (!schema || typeof schema !== 'object' || seen.has(schema)) return;
    seen.add(schema);
    const s = schema as Json;
    if (typeof s['$ref'] === 'string')
      return visit(schemas[(s['$ref'] as string).split('/').pop() as string], where, seen);
    if (s['type'] === 'integer') {
      const min = s['minimum'] as number | undefined;
      const max = s['maximum'] as number | undefined;
      // `format: int64` says the column is a bigint: JSON's safe integers fit it
      const wide = s['format'] === 'int64';
      const [lo, hi] = wide
        ? [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
        : [INT4_MIN, INT4_MAX];
      if (min === undefined || max === undefined || min < lo || max > hi) out.push(where);
    }
    for (const key of ['items', 'additionalProperties', 'not']) visit(s[key], `${where}[]`, seen);
    for (const key of ['anyOf', 'oneOf', 'allOf'])
      for (const sub of (s[key] as unknown[] | undefined) ?? []) visit(sub, where, seen);
    for (const [name, sub] of Object.entries((s['properties'] as Json | undefined) ?? {}))
      visit(sub, `${where}.${name}`, seen);
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = (item as Json)[method] as Json | undefined;
      if (!op) continue;
      const label = `${method.toUpperCase()} ${path}`;
      for (const p of (op['parameters'] as Json[] | undefined) ?? [])
        visit(p['schema'], `${label} ${String(p['in'])} ${String(p['name'])}`, new Set());
      const content = ((op['requestBody'] as Json | undefined)?.['content'] ?? {}) as Record<
        string,
        Json
      >;
      for (const media of Object.values(content))
        visit(media['schema'], `${label} body`, new Set());
    }
  }
  return out;
}
