import type { OpenAPIObject } from '@nestjs/swagger';
import {
  completeOpenApiDocument,
  SAFE_TEXT_PATTERN,
  unboundedRequestIntegers,
} from './openapi-document';

const doc = (): OpenAPIObject => ({
  openapi: '3.0.0',
  info: { title: 't', version: '1' },
  paths: {
    '/api/auth/login': {
      post: {
        responses: { '200': { description: 'ok' } },
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  email: { type: 'string', format: 'email' },
                  password: { type: 'string' },
                },
              },
            },
          },
        },
      },
    },
    '/api/posts/{id}': {
      get: {
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          {
            name: 'offset',
            in: 'query',
            schema: { type: 'integer', minimum: 0, maximum: 9007199254740991 },
          },
        ],
        responses: { '200': { description: 'ok' }, '404': { description: 'post not found' } },
      },
    },
    '/api/segments': {
      post: {
        responses: { '201': { description: 'created' } },
        requestBody: {
          content: {
            'application/json': {
              schema: {
                type: 'object',
                properties: {
                  demographics: { type: 'object', additionalProperties: {} },
                  tags: { type: 'array', items: { type: 'string', enum: ['a'] } },
                },
              },
            },
          },
        },
      },
    },
  },
});

const routes = [
  { method: 'POST', path: '/api/auth/login', isPublic: true, uuidParams: [] },
  { method: 'GET', path: '/api/posts/:id', isPublic: false, uuidParams: ['id'] },
  { method: 'POST', path: '/api/segments', isPublic: false, uuidParams: [] },
];

describe('completeOpenApiDocument (what the platform does for every operation)', () => {
  const d = completeOpenApiDocument(doc(), routes);
  const login = d.paths['/api/auth/login']?.post;
  const get = d.paths['/api/posts/{id}']?.get;
  const segments = d.paths['/api/segments']?.post;

  it('lists problem+json errors, 401/403 only where a token is needed, keeping a description the controller gave', () => {
    expect(Object.keys(login?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '413',
      '429',
      'default',
    ]);
    expect(Object.keys(get?.responses ?? {}).sort()).toEqual([
      '200',
      '400',
      '401',
      '403',
      '404',
      '429',
      'default',
    ]);
    expect(get?.responses['404']).toEqual({
      description: 'post not found',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    });
    expect(d.components?.schemas?.['Problem']).toBeDefined();
  });

  it('marks public operations as needing no token and documents UUID ids', () => {
    expect(login?.security).toEqual([]);
    expect(get?.security).toBeUndefined();
    expect(get?.parameters?.[0]).toMatchObject({
      name: 'id',
      schema: { type: 'string', format: 'uuid' },
    });
  });

  it('writes the text rule into request schemas: plain strings, free keys and free values', () => {
    const body = (op: typeof login) =>
      (
        op?.requestBody as {
          content: Record<
            string,
            { schema: { properties: Record<string, Record<string, unknown>> } }
          >;
        }
      ).content['application/json']?.schema.properties;
    expect(body(login)?.['password']).toEqual({ type: 'string', pattern: SAFE_TEXT_PATTERN });
    expect(body(login)?.['email']).toEqual({ type: 'string', format: 'email' });
    expect(body(segments)?.['demographics']).toEqual({
      type: 'object',
      patternProperties: { [SAFE_TEXT_PATTERN]: { $ref: '#/components/schemas/SafeJson' } },
      additionalProperties: false,
    });
    expect(body(segments)?.['tags']).toEqual({
      type: 'array',
      items: { type: 'string', enum: ['a'] },
    });
    expect(new RegExp(SAFE_TEXT_PATTERN).test('tab\tand\nlines é 中')).toBe(true);
    expect(new RegExp(SAFE_TEXT_PATTERN).test('nul\u0000')).toBe(false);
  });

  it('finds request integers wider than a Postgres integer', () => {
    expect(unboundedRequestIntegers(d)).toEqual(['GET /api/posts/{id} query offset']);
  });
});
