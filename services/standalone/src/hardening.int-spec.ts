import {
  apiClient,
  freePort,
  nextTestIp,
  openConnections,
  probeUpgrade,
  settledConnections,
  startTestInfra,
  TestInfra,
  upgradeAndLeave,
} from '@postmagiq/platform/testing';
import { RUN_STREAM_PROTOCOL } from '@postmagiq/contracts';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { httpRoutes, unboundedRequestIntegers } from '@postmagiq/platform';
import { bootStandalone, StandaloneApp } from './bootstrap-standalone';

jest.setTimeout(120_000);

/**
 * What an outside tester tried against `npm start` (issue 17), on the composed one-machine process
 * where every module shares one HTTP server: each class of finding stays fixed.
 */
describe('the one-machine stack against an outside tester', () => {
  let infra: TestInfra;
  let dataDir: string;
  let standalone: StandaloneApp;
  let api: ReturnType<typeof apiClient>;
  let server: Server;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-hardening-'));
    const port = await freePort();
    standalone = await bootStandalone({
      ...infra.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    api = apiClient(standalone.url);
    server = standalone.app.getHttpServer() as Server;
  });

  afterAll(async () => {
    // a leaked upgrade socket must fail the test above, not hang the suite here
    server?.closeAllConnections();
    await standalone?.app.close();
    await infra?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('upgrade requests', () => {
    it('answers every upgrade it does not serve and holds no socket for it, including clients that go away', async () => {
      const paths = [
        '/',
        '/api/health/live',
        '/health/ready',
        '/api/auth/login',
        `/api/workflows/runs/not-a-uuid/stream`,
        '/api/workflows/runs/%zz/stream',
      ];
      const probes = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          probeUpgrade(
            standalone.url,
            paths[i % paths.length] as string,
            i % 2 ? 'websocket' : 'h2c',
          ),
        ),
      );
      for (const [i, probe] of probes.entries()) {
        const path = paths[i % paths.length] as string;
        expect({ path, closedByServer: probe.closedByServer }).toEqual({
          path,
          closedByServer: true,
        });
        // a run-stream path with a malformed id is the stream's to refuse (400), except that an
        // h2c upgrade there is no WebSocket handshake either (400 from the handshake)
        expect([path, probe.status]).toEqual([path, path.includes('/stream') ? 400 : 404]);
      }
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          upgradeAndLeave(
            standalone.url,
            paths[i % paths.length] as string,
            i % 2 ? 'websocket' : 'h2c',
          ),
        ),
      );
      expect(await settledConnections(server)).toBe(0);
    });

    it('still serves the run stream: a well-formed upgrade is a WebSocket that refuses a missing token with 4401', async () => {
      const ws = new WebSocket(
        `${standalone.url.replace('http', 'ws')}/api/workflows/runs/${randomUUID()}/stream`,
        RUN_STREAM_PROTOCOL,
      );
      const opened = await new Promise<boolean>((resolve) =>
        ws.once('open', () => resolve(true)).once('error', () => resolve(false)),
      );
      expect(opened).toBe(true);
      expect(await openConnections(server)).toBeGreaterThanOrEqual(1);
      ws.send(JSON.stringify({ type: 'hello' }));
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      expect(code).toBe(4401);
      expect(await settledConnections(server)).toBe(0);
    });
  });

  it('keeps serving plain requests', async () => {
    expect((await api('GET', '/health/live', { ip: nextTestIp() })).status).toBe(200);
  });

  describe('input the API accepted and the database refused (500s), now 400s naming the field', () => {
    let token: string;
    const as = <T = Record<string, unknown>>(
      method: string,
      path: string,
      body?: unknown,
      raw?: string,
    ) =>
      api<T>(method, path, {
        token,
        ip: nextTestIp(),
        ...(body !== undefined ? { body } : {}),
        ...(raw !== undefined ? { rawBody: raw } : {}),
      });
    type Problem = { status: number; errors?: Array<{ field: string; message: string }> };
    const fields = (r: { body: unknown }) => ((r.body as Problem).errors ?? []).map((e) => e.field);

    beforeAll(async () => {
      const reg = await api<{ accessToken: string }>('POST', '/api/auth/register', {
        body: {
          email: `tester-${randomUUID()}@example.com`,
          password: 'a long enough password',
          name: 'Tester',
        },
        ip: nextTestIp(),
      });
      expect(reg.status).toBe(201);
      token = reg.body.accessToken;
    });

    it('a NUL character in a text field or a query string', async () => {
      const post = await as('POST', '/api/posts', { title: 'Hello\u0000world' });
      expect(post.status).toBe(400);
      expect(fields(post)).toEqual(['title']);
      const search = await as('GET', `/api/finished-posts?q=${encodeURIComponent('a\u0000b')}`);
      expect(search.status).toBe(400);
      expect(fields(search)).toEqual(['q']);
      const segment = await as('POST', '/api/audience-segments', {
        name: 'Founders',
        demographics: { 'age\u0000': 1, region: 'EU\u0000' },
      });
      expect(segment.status).toBe(400);
      expect(fields(segment).sort()).toEqual(['demographics', 'demographics.region']);
      const path = await as('DELETE', `/api/workflows/definitions/bad%00name`);
      expect(path.status).toBe(404); // no resource is named with a NUL
    });

    it('a text of control characters is refused, not trimmed to "" and stored', async () => {
      const segment = await as('POST', '/api/audience-segments', {
        name: 'Founders',
        description: '\u000b\u000c\u001f',
      });
      expect(segment.status).toBe(400);
      expect(fields(segment)).toEqual(['description']);
      const list = await as<{ items: unknown[] }>('GET', '/api/audience-segments');
      expect(list.body.items).toEqual([]);
    });

    it('JSON nested thousands of levels deep in a JSON-typed field', async () => {
      const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
      const segment = await as(
        'POST',
        '/api/audience-segments',
        undefined,
        `{"name":"Deep","demographics":${deep}}`,
      );
      expect(segment.status).toBe(400);
      expect(fields(segment)[0]).toMatch(/^demographics\.a\.a/);
      const arrays = await as(
        'POST',
        '/api/posts',
        undefined,
        `{"title":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
      );
      expect(arrays.status).toBe(400);
    });

    it('integers beyond a Postgres integer in the path, the query and the body', async () => {
      const post = await as<{ id: string }>('POST', '/api/posts', {
        title: 'Range',
        content: 'First version.',
      });
      expect(post.status).toBe(201);
      const version = await as('GET', `/api/posts/${post.body.id}/versions/99999999999`);
      expect(version.status).toBe(400);
      expect(fields(version)).toEqual(['number']);
      expect((await as('GET', `/api/posts/${post.body.id}/versions/1`)).status).toBe(200);
      const page = await as('GET', '/api/posts?offset=3000000000');
      expect(page.status).toBe(400);
      expect(fields(page)).toEqual(['offset']);
      const events = await as('GET', `/api/workflows/runs/${randomUUID()}/events?after=3000000000`);
      expect(events.status).toBe(400);
      const chapter = await as('PATCH', `/api/chapters/${randomUUID()}`, { number: 3_000_000_000 });
      expect(chapter.status).toBe(400);
      expect(fields(chapter)).toEqual(['number']);
    });

    it('registers a name as long as allowed (its personal workspace name fits its column)', async () => {
      const name = 'N'.repeat(120);
      const reg = await api<{ workspace: { name: string } }>('POST', '/api/auth/register', {
        body: {
          email: `long-${randomUUID()}@example.com`,
          password: 'a long enough password',
          name,
        },
        ip: nextTestIp(),
      });
      expect(reg.status).toBe(201);
      expect(reg.body.workspace.name).toHaveLength(120);
      expect(reg.body.workspace.name.endsWith("'s workspace")).toBe(true);
    });

    it('exports a post with a non-Latin title under an RFC 6266 file name', async () => {
      const post = await as<{ id: string }>('POST', '/api/posts', {
        title: '採用 — это продукт',
        content: 'Hiring is a product problem.',
      });
      expect(post.status).toBe(201);
      const exported = await as<string>('GET', `/api/posts/${post.body.id}/export`);
      expect(exported.status).toBe(200);
      const disposition = exported.headers.get('content-disposition') ?? '';
      expect(disposition).toMatch(/^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''/);
      expect(decodeURIComponent(disposition.split("UTF-8''")[1] as string)).toBe(
        '採用-это-продукт.txt',
      );
      expect(exported.body).toBe('Hiring is a product problem.');
    });
  });

  describe('the OpenAPI document tells the truth', () => {
    type Op = {
      security?: unknown[];
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    let doc: { paths: Record<string, Record<string, Op>> };
    const ops = () =>
      Object.entries(doc.paths).flatMap(([path, item]) =>
        Object.entries(item).map(([method, op]) => ({
          label: `${method.toUpperCase()} ${path}`,
          op,
        })),
      );

    beforeAll(async () => {
      doc = (await api('GET', '/api/docs/openapi.json', { ip: nextTestIp() }))
        .body as unknown as typeof doc;
    });

    it('every operation lists its problem+json errors', () => {
      const missing = ops().filter(
        ({ op }) =>
          !['400', '429', 'default'].every(
            (s) => op.responses[s]?.content?.['application/problem+json'],
          ),
      );
      expect(missing.map((m) => m.label)).toEqual([]);
      const guarded = ops().filter(({ op }) => op.security === undefined);
      expect(guarded.every(({ op }) => op.responses['401'] && op.responses['403'])).toBe(true);
    });

    it('marks exactly the public routes as needing no token', () => {
      const open = ops()
        .filter(({ op }) => Array.isArray(op.security) && op.security.length === 0)
        .map((o) => o.label)
        .sort();
      expect(open).toEqual(
        expect.arrayContaining([
          'POST /api/auth/login',
          'POST /api/auth/register',
          'POST /api/auth/refresh',
          'GET /api/auth/.well-known/jwks.json',
        ]),
      );
      const routes = httpRoutes(standalone.app);
      const publicLabels = new Set(
        routes
          .filter((r) => r.isPublic)
          .map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`),
      );
      expect(open.filter((l) => !publicLabels.has(l))).toEqual([]);
      expect(ops().find((o) => o.label === 'GET /api/posts')?.op.security).toBeUndefined();
    });

    it('bounds every integer a request carries to a Postgres integer, and says the search similarity may be null', () => {
      expect(
        unboundedRequestIntegers(doc as unknown as Parameters<typeof unboundedRequestIntegers>[0]),
      ).toEqual([]);
      const hit = (
        doc.paths['/api/search']?.['get']?.responses['200']?.content?.['application/json'] as {
          schema: { properties: { hits: { items: { properties: Record<string, unknown> } } } };
        }
      ).schema.properties.hits.items.properties;
      expect(hit['similarity']).toEqual({ type: 'number', nullable: true });
    });

    it('documents every answer a route gives: a saved workflow is 201 new or 200 replaced, both with the definition', () => {
      const save = doc.paths['/api/workflows/definitions']?.['post']?.responses ?? {};
      expect(save['200']?.content?.['application/json']).toBeDefined();
      expect(save['201']?.content?.['application/json']).toBeDefined();
      // the search kinds are spelled out, with nothing the platform refuses (no control characters)
      const types = (
        doc.paths['/api/search']?.['get'] as unknown as {
          parameters: Array<{ name: string; schema: { pattern: string } }>;
        }
      ).parameters.find((p) => p.name === 'types');
      const pattern = new RegExp(types?.schema.pattern ?? '');
      expect(pattern.test('post, story_entry')).toBe(true);
      expect(pattern.test('post\u000b')).toBe(false);
    });

    it('answers an unsupported method on a known path with 405 and Allow', async () => {
      const put = await api<{ status: number; type: string }>('PUT', '/api/auth/login', {
        ip: nextTestIp(),
        body: {},
      });
      expect(put.status).toBe(405);
      expect(put.headers.get('allow')).toBe('POST');
      expect(put.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      const del = await api('DELETE', '/api/posts', { ip: nextTestIp() });
      expect(del.status).toBe(405);
      expect(del.headers.get('allow')).toBe('GET, HEAD, POST');
      expect((await api('GET', '/api/no-such-thing', { ip: nextTestIp() })).status).toBe(404);
      // a literal path is its own resource, even where an id route would match it
      const preview = await api('PATCH', '/api/image-prompts/preview', {
        ip: nextTestIp(),
        body: {},
      });
      expect(preview.status).toBe(405);
      expect(preview.headers.get('allow')).toBe('POST');
    });
  });

  describe('exposure', () => {
    it('serves no metrics on the API port', async () => {
      expect((await api('GET', '/metrics', { ip: nextTestIp() })).status).toBe(404);
      expect((await api('GET', '/api/metrics', { ip: nextTestIp() })).status).toBe(404);
    });

    it('sends security headers on every answer, HSTS only behind TLS', async () => {
      for (const path of [
        '/health/live',
        '/api/auth/me',
        '/api/no-such-thing',
        '/api/docs/openapi.json',
      ]) {
        const res = await api('GET', path, { ip: nextTestIp() });
        expect([path, res.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
        const csp = res.headers.get('content-security-policy') ?? '';
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).not.toContain('unsafe-eval');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('strict-transport-security')).toBeNull();
      }
      // a loopback proxy (TRUST_PROXY) that terminated TLS says so
      const tls = await api('GET', '/health/live', {
        ip: nextTestIp(),
        headers: { 'x-forwarded-proto': 'https' },
      });
      expect(tls.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
    });

    it('documents path ids as UUIDs', async () => {
      const doc = (
        await api<{
          paths: Record<
            string,
            Record<string, { parameters?: Array<{ name: string; schema: unknown }> }>
          >;
        }>('GET', '/api/docs/openapi.json', { ip: nextTestIp() })
      ).body;
      const id = doc.paths['/api/posts/{id}']?.['get']?.parameters?.find((p) => p.name === 'id');
      expect(id?.schema).toEqual({ type: 'string', format: 'uuid' });
    });
  });
});
