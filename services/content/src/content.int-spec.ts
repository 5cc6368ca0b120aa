import {
  listRoutes,
  pendingSchemaChanges,
  ProblemTypes,
  RedisService,
  RevocationKeys,
} from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { useContentApp, type Problem } from './testing/content-app';

jest.setTimeout(120_000);

describe('content service: boot, routes and authentication (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { ip } = fx;

  it('boots with its migrations, entities and migrations agree, and every route is guarded', async () => {
    expect(await pendingSchemaChanges(fx.ds)).toEqual([]);
    const routes = listRoutes(fx.app);
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(['GET /health/live', 'GET /health/ready']);
    // every guarded route needs a content scope; writes need content:write, deletes content:delete + admin
    const audited: string[] = [];
    for (const r of routes.filter((r) => !r.isPublic)) {
      const route = `${r.method} ${r.controller}.${r.handler}`;
      const { scopes, roles } = r;
      audited.push(route);
      expect({ route, scopes }).toEqual({
        route,
        scopes: [expect.stringMatching(/^content:(read|write|delete)$/)],
      });
      if (r.method === 'DELETE')
        expect({ route, scopes, roles }).toEqual({
          route,
          scopes: ['content:delete'],
          roles: ['owner', 'admin'],
        });
      if (r.method === 'PATCH' || r.method === 'PUT')
        expect({ route, scopes, roles }).toEqual({
          route,
          scopes: ['content:write'],
          roles: ['owner', 'admin', 'editor'],
        });
    }
    expect(audited.length).toBeGreaterThan(80);
    const doc = await fx.http<{ paths: Record<string, unknown> }>('GET', '/api/docs/openapi.json', {
      ip,
    });
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/voice-profiles/{id}/calibration',
        '/api/posts/{id}/transition',
        '/api/search',
        '/api/image-prompts/preview',
      ]),
    );
    // answers are documented from the contract schemas too
    const paths = doc.body.paths as Record<
      string,
      Record<
        string,
        {
          responses: Record<
            string,
            { content?: Record<string, { schema?: { properties?: object } }> }
          >;
        }
      >
    >;
    expect(
      Object.keys(
        paths['/api/posts/{id}']?.['get']?.responses['200']?.content?.['application/json']?.schema
          ?.properties ?? {},
      ),
    ).toContain('currentVersion');
    expect(
      Object.keys(
        paths['/api/characters']?.['get']?.responses['200']?.content?.['application/json']?.schema
          ?.properties ?? {},
      ),
    ).toEqual(['items', 'total', 'limit', 'offset']);
    const ready = await fx.http<{ checks: Record<string, unknown> }>('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks)).toContain('database:content');
  });

  it('refuses requests without a valid token, and tokens of a session identity revoked (401 problem+json)', async () => {
    const res = await fx.http<Problem>('GET', '/api/posts', { ip });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const forged = await fx.issuer.caller('owner');
    expect(
      (await fx.http('GET', '/api/posts', { ip, token: `${forged.token.slice(0, -4)}AAAA` }))
        .status,
    ).toBe(401);

    // identity revokes a session through Redis; the guard here honours it on the next request
    const user = randomUUID();
    const [a, b] = [
      await fx.issuer.caller('owner', randomUUID(), user),
      await fx.issuer.caller('owner', randomUUID(), user),
    ];
    expect((await fx.http('GET', '/api/posts', { ip, token: a.token })).status).toBe(200);
    await fx.app.get(RedisService).client.set(RevocationKeys.session(a.sessionId), '1', 'EX', 60);
    const revoked = await fx.http<Problem>('GET', '/api/posts', { ip, token: a.token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.type).toBe(ProblemTypes.tokenInvalid);
    expect((await fx.http('GET', '/api/posts', { ip, token: b.token })).status).toBe(200);
  });

  /*
   * CRUD, validation, workspace isolation and roles, the same for every plain resource: created by
   * an editor, read by a viewer, refused to a viewer's write (403) and an editor's delete (403),
   * invisible (404) to another workspace, deleted by an admin.
   */
});
