import { INestApplication, RequestMethod } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  CONTENT_RUN_CONTEXT_SUBJECT,
  ORCHESTRATION_STREAM,
  RUN_FINISHED_SUBJECT,
  RunContextReplySchema,
  RunFinishedEvent,
  WorkspaceRole,
} from '@postmagiq/contracts';
import {
  createApp,
  IS_PUBLIC,
  JetStreamService,
  listRoutes,
  NATS_CONNECTION,
  NatsRpcClient,
  pendingSchemaChanges,
  ProblemTypes,
  REQUIRED_SCOPES,
  REQUIRED_WORKSPACE_ROLES,
  RedisService,
  RevocationKeys,
} from '@postmagiq/platform';
import {
  apiClient,
  freePort,
  nextTestIp,
  startTestInfra,
  TestInfra,
} from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ContentAppModule } from './content-app.module';
import { CONTENT_DB } from './entities';
import { RUN_FINISHED_DURABLE } from './events/run-finished.consumer';
import { OfflineEmbeddingProvider } from './intelligence/offline-embedding.provider';
import { TestCaller, TestTokenIssuer } from './testing/token-issuer';

jest.setTimeout(120_000);

const repoRoot = resolve(__dirname, '../../..');

type Json = Record<string, unknown>;
type Page = { items: Json[]; total: number; limit: number; offset: number };
type Problem = {
  type: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
};

/** Polls until `check` returns a value (not undefined), or fails after `timeoutMs`. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The first voice sample of calibration.spec.ts, whose figures are computed by hand there. */
const SAMPLE_1 = [
  'I quit my job last year.',
  'It was terrifying.',
  '',
  'Did I regret it? Not once. 🚀',
  '',
  '#career #growth',
].join('\n');
const SAMPLE_2 = [
  'We shipped the new onboarding flow today.',
  '',
  'Three lessons stood out. Talk to users early! Measure what matters.',
].join('\n');

describe('content service (real Redis, NATS, embedded Postgres with pgvector)', () => {
  let infra: TestInfra;
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let dataDir: string;
  let ds: DataSource;
  let http: ReturnType<typeof apiClient>;
  const ip = nextTestIp();

  beforeAll(async () => {
    [infra, issuer] = await Promise.all([startTestInfra(), new TestTokenIssuer().start()]);
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-content-'));
    const port = await freePort();
    const env = {
      ...infra.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      IDENTITY_JWKS_URL: issuer.jwksUrl,
      RATE_LIMIT_PER_MINUTE: '100000',
      PROMPTS_DIR: join(repoRoot, 'prompts'),
    };
    app = await createApp(ContentAppModule.forRoot(env), { title: 'content', rpcQueue: 'content' });
    await app.listen(port, '127.0.0.1');
    http = apiClient(`http://127.0.0.1:${port}`);
    ds = app.get<DataSource>(getDataSourceToken(CONTENT_DB));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([infra?.stop(), issuer?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** An API client acting as one caller. */
  const as =
    (caller: TestCaller) =>
    <T = Json>(method: string, path: string, body?: unknown) =>
      http<T>(method, `/api${path}`, {
        token: caller.token,
        ip,
        ...(body !== undefined ? { body } : {}),
      });

  /** A fresh workspace with a member of each role. */
  async function workspace(): Promise<
    Record<WorkspaceRole, ReturnType<typeof as>> & { id: string }
  > {
    const id = randomUUID();
    const caller = async (role: WorkspaceRole) => as(await issuer.caller(role, id));
    return {
      id,
      owner: await caller('owner'),
      admin: await caller('admin'),
      editor: await caller('editor'),
      viewer: await caller('viewer'),
    };
  }

  async function created<T = Json>(res: Promise<{ status: number; body: T }>): Promise<T> {
    const r = await res;
    if (r.status !== 201)
      throw new Error(`expected 201, got ${r.status}: ${JSON.stringify(r.body)}`);
    return r.body;
  }

  it('boots with its migrations, entities and migrations agree, and every route is guarded', async () => {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
    const routes = listRoutes(app);
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(['GET /health/live', 'GET /health/ready']);
    // every guarded route needs a content scope; writes need content:write, deletes content:delete + admin
    const reflector = app.get(Reflector);
    const audited: string[] = [];
    for (const wrapper of app.get(DiscoveryService).getControllers()) {
      const type = wrapper.metatype as (new (...args: never[]) => object) | null;
      if (!type || !wrapper.instance) continue;
      const proto = Object.getPrototypeOf(wrapper.instance) as Record<string, () => void>;
      for (const name of new MetadataScanner().getAllMethodNames(proto)) {
        const handler = proto[name] as () => void;
        const method = Reflect.getMetadata('method', handler) as RequestMethod | undefined;
        if (method === undefined || Reflect.getMetadata('path', handler) === undefined) continue;
        if (reflector.getAllAndOverride<boolean>(IS_PUBLIC, [handler, type])) continue;
        const route = `${RequestMethod[method]} ${type.name}.${name}`;
        const scopes = reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [
          handler,
          type,
        ]);
        const roles = reflector.getAllAndOverride<string[] | undefined>(REQUIRED_WORKSPACE_ROLES, [
          handler,
          type,
        ]);
        audited.push(route);
        expect({ route, scopes }).toEqual({
          route,
          scopes: [expect.stringMatching(/^content:(read|write|delete)$/)],
        });
        if (method === RequestMethod.DELETE)
          expect({ route, scopes, roles }).toEqual({
            route,
            scopes: ['content:delete'],
            roles: ['owner', 'admin'],
          });
        if (method === RequestMethod.PATCH || method === RequestMethod.PUT)
          expect({ route, scopes, roles }).toEqual({
            route,
            scopes: ['content:write'],
            roles: ['owner', 'admin', 'editor'],
          });
      }
    }
    expect(audited.length).toBeGreaterThan(80);
    const doc = await http<{ paths: Record<string, unknown> }>('GET', '/api/docs/openapi.json', {
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
    const ready = await http<{ checks: Record<string, unknown> }>('GET', '/health/ready');
    expect(ready.status).toBe(200);
    expect(Object.keys(ready.body.checks)).toContain('database:content');
  });

  it('refuses requests without a valid token, and tokens of a session identity revoked (401 problem+json)', async () => {
    const res = await http<Problem>('GET', '/api/posts', { ip });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    const forged = await issuer.caller('owner');
    expect(
      (await http('GET', '/api/posts', { ip, token: `${forged.token.slice(0, -4)}AAAA` })).status,
    ).toBe(401);

    // identity revokes a session through Redis; the guard here honours it on the next request
    const user = randomUUID();
    const [a, b] = [
      await issuer.caller('owner', randomUUID(), user),
      await issuer.caller('owner', randomUUID(), user),
    ];
    expect((await http('GET', '/api/posts', { ip, token: a.token })).status).toBe(200);
    await app.get(RedisService).client.set(RevocationKeys.session(a.sessionId), '1', 'EX', 60);
    const revoked = await http<Problem>('GET', '/api/posts', { ip, token: a.token });
    expect(revoked.status).toBe(401);
    expect(revoked.body.type).toBe(ProblemTypes.tokenInvalid);
    expect((await http('GET', '/api/posts', { ip, token: b.token })).status).toBe(200);
  });

  /*
   * CRUD, validation, workspace isolation and roles, the same for every plain resource: created by
   * an editor, read by a viewer, refused to a viewer's write (403) and an editor's delete (403),
   * invisible (404) to another workspace, deleted by an admin.
   */
  interface ResourceCase {
    path: string;
    create: (ws: Awaited<ReturnType<typeof workspace>>) => Promise<Json> | Json;
    patch: Json;
    invalid: { body: Json; field: string };
  }
  const resources: ResourceCase[] = [
    {
      path: 'voice-profiles',
      create: () => ({ name: 'Dana', tone: ['warm'], examples: [SAMPLE_1] }),
      patch: { tone: ['warm', 'direct'] },
      invalid: { body: { name: '  ' }, field: 'name' },
    },
    {
      path: 'strategies',
      create: () => ({
        name: 'Hiring',
        thesis: 'Hiring is a product problem',
        enemy: 'Résumé filters',
      }),
      patch: { archived: true },
      invalid: { body: { name: 'S', colour: 'red' }, field: 'colour' },
    },
    {
      path: 'goals',
      create: () => ({
        title: 'Two posts a week',
        metric: 'posts/week',
        targetValue: 2,
        dueOn: '2027-03-31',
      }),
      patch: { currentValue: 1.5, status: 'achieved' },
      invalid: { body: { title: 'G', dueOn: '31/03/2027' }, field: 'dueOn' },
    },
    {
      path: 'personas',
      create: () => ({
        name: 'writer',
        template: 'Write about {{story_title}} in {{word_min}}-{{word_max}} words.',
      }),
      patch: { description: 'Shorter drafts' },
      invalid: { body: { name: 'Bad Name', template: 'x' }, field: 'name' },
    },
    {
      path: 'characters',
      create: () => ({ name: 'Maya', appearance: 'short dark hair', personality: 'calm' }),
      patch: { personality: 'calm, curious' },
      invalid: { body: { name: 'x'.repeat(121) }, field: 'name' },
    },
    {
      path: 'sentiments',
      create: () => ({ name: 'Reflective', mood: 'quiet confidence', colorScheme: ['slate blue'] }),
      patch: { mood: 'hopeful' },
      invalid: { body: { name: 'S', colorScheme: 'blue' }, field: 'colorScheme' },
    },
    {
      path: 'scenes',
      create: () => ({ name: 'Open office', props: ['whiteboard'] }),
      patch: { description: 'late light' },
      invalid: { body: { name: 'S', sentimentId: 'nope' }, field: 'sentimentId' },
    },
    {
      path: 'poses',
      create: () => ({ name: 'Leaning', cameraAngle: 'low-angle' }),
      patch: { cameraAngle: 'close-up' },
      invalid: { body: { name: 'P', cameraAngle: 'sideways' }, field: 'cameraAngle' },
    },
    {
      path: 'outfits',
      create: () => ({ name: 'Smart casual', parts: ['navy blazer', 'white tee'] }),
      patch: { parts: ['grey hoodie'] },
      invalid: { body: { name: 'O', parts: [] }, field: 'parts' },
    },
    {
      path: 'props',
      create: () => ({ name: 'Coffee mug', category: 'object' }),
      patch: { description: 'chipped' },
      invalid: { body: { name: 'P' }, field: 'category' },
    },
    {
      path: 'sources',
      create: () => ({ title: 'Interview notes', text: 'Notes from ten interviews about hiring.' }),
      patch: { title: 'Interview notes (2)' },
      invalid: { body: { title: 'T', text: 'x', url: 'ftp://x' }, field: 'url' },
    },
    {
      path: 'audience-segments',
      create: () => ({
        name: 'Founders',
        demographics: { stage: 'seed' },
        psychographics: { fears: ['hiring wrong'] },
      }),
      patch: { isPrimary: true },
      invalid: { body: { name: 'F', demographics: [] }, field: 'demographics' },
    },
    {
      path: 'calibrated-voices',
      create: async (ws) => ({
        voiceProfileId: (await created(ws.editor('POST', '/voice-profiles', { name: 'V' }))).id,
        segmentId: (await created(ws.editor('POST', '/audience-segments', { name: 'S' }))).id,
        voiceSpec: { formality: 4, toneAdjustments: ['fewer jokes'] },
      }),
      patch: { voiceSpec: { formality: 2 } },
      invalid: {
        body: {
          voiceProfileId: randomUUID(),
          segmentId: randomUUID(),
          voiceSpec: { formality: 9 },
        },
        field: 'voiceSpec.formality',
      },
    },
    {
      path: 'image-prompts',
      create: async (ws) => ({ name: 'Hero image', ...(await imageParts(ws.editor)) }),
      patch: { aspect: '16:9', extra: 'film grain' },
      invalid: { body: { name: 'I', characterId: randomUUID() }, field: 'sceneId' },
    },
  ];

  async function imageParts(caller: ReturnType<typeof as>): Promise<Json> {
    const sentiment = await created(
      caller('POST', '/sentiments', {
        name: 'Reflective',
        mood: 'quiet confidence',
        colorScheme: ['slate blue', 'warm grey'],
      }),
    );
    const [character, scene, pose, outfit, prop] = await Promise.all([
      created(
        caller('POST', '/characters', {
          name: 'Maya',
          appearance: 'Mid-thirties, short dark hair',
          personality: 'calm, curious',
        }),
      ),
      created(
        caller('POST', '/scenes', {
          name: 'Open office',
          description: 'Late afternoon light',
          sentimentId: sentiment.id,
          props: ['whiteboard'],
        }),
      ),
      created(caller('POST', '/poses', { name: 'Leaning on a desk', cameraAngle: 'medium-shot' })),
      created(
        caller('POST', '/outfits', { name: 'Smart casual', parts: ['navy blazer', 'white tee'] }),
      ),
      created(caller('POST', '/props', { name: 'Coffee mug', category: 'object' })),
    ]);
    return {
      characterId: character.id,
      sceneId: scene.id,
      poseId: pose.id,
      outfitId: outfit.id,
      sentimentId: sentiment.id,
      propIds: [prop.id],
      aspect: '4:5',
    };
  }

  describe.each(resources)('/$path', (c) => {
    it('creates, reads, lists, changes and deletes within the workspace; refuses bad input, other workspaces and weaker roles', async () => {
      const ws = await workspace();
      const other = await workspace();
      const body = await c.create(ws);

      const made = await ws.editor<Json>('POST', `/${c.path}`, body);
      expect(made.status).toBe(201);
      const id = made.body['id'] as string;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);

      const got = await ws.viewer<Json>('GET', `/${c.path}/${id}`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(made.body);
      const list = await ws.viewer<Page>('GET', `/${c.path}?limit=5`);
      expect(list.status).toBe(200);
      expect(list.body).toMatchObject({ total: 1, limit: 5, offset: 0 });
      expect(list.body.items.map((i) => i['id'])).toEqual([id]);

      const changed = await ws.editor<Json>('PATCH', `/${c.path}/${id}`, c.patch);
      expect(changed.status).toBe(200);
      expect(changed.body).toMatchObject(c.patch);

      const bad = await ws.editor<Problem>('POST', `/${c.path}`, c.invalid.body);
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      expect(bad.body.type).toBe(ProblemTypes.validation);
      expect(bad.body.errors?.map((e) => e.field)).toContain(c.invalid.field);
      expect(
        (await ws.editor<Problem>('PATCH', `/${c.path}/${id}`, { nonsense: true })).status,
      ).toBe(400);

      // another workspace: as if it did not exist, however privileged the caller
      expect((await other.owner('GET', `/${c.path}/${id}`)).status).toBe(404);
      expect((await other.owner('PATCH', `/${c.path}/${id}`, c.patch)).status).toBe(404);
      expect((await other.owner('DELETE', `/${c.path}/${id}`)).status).toBe(404);
      expect((await other.owner<Page>('GET', `/${c.path}`)).body.total).toBe(0);
      expect((await ws.viewer('GET', `/${c.path}/not-a-uuid`)).status).toBe(404);

      // roles: viewers read only, editors do not delete
      const denied = await ws.viewer<Problem>('POST', `/${c.path}`, body);
      expect(denied.status).toBe(403);
      expect(denied.body.type).toBe(ProblemTypes.forbidden);
      expect((await ws.viewer('PATCH', `/${c.path}/${id}`, c.patch)).status).toBe(403);
      expect((await ws.editor('DELETE', `/${c.path}/${id}`)).status).toBe(403);
      expect((await ws.viewer<Json>('GET', `/${c.path}/${id}`)).body).toMatchObject(c.patch);

      expect((await ws.admin('DELETE', `/${c.path}/${id}`)).status).toBe(204);
      expect((await ws.owner('GET', `/${c.path}/${id}`)).status).toBe(404);
    });
  });

  describe('voice profiles', () => {
    it('stores the calibration of the examples (the hand-computed figures), keeps one default, measures drafts', async () => {
      const ws = await workspace();
      const a = await created(
        ws.editor('POST', '/voice-profiles', {
          name: 'Dana',
          examples: [SAMPLE_1, SAMPLE_2],
          isDefault: true,
        }),
      );
      expect(a['calibration']).toEqual({
        sampleCount: 2,
        avgSentenceWords: 4.13,
        avgParagraphSentences: 2,
        avgHookChars: 32.5,
        questionRate: 0.13,
        firstPersonRate: 0.38,
        emojiPerPost: 0.5,
        hashtagsPerPost: 1,
        readingGrade: 1.75,
      });
      expect((await ws.viewer('GET', `/voice-profiles/${a.id}/calibration`)).body).toEqual(
        a['calibration'],
      );

      const b = await created(
        ws.editor('POST', '/voice-profiles', { name: 'Lee', isDefault: true }),
      );
      expect(b['calibration']).toBeNull();
      expect((await ws.viewer<Problem>('GET', `/voice-profiles/${b.id}/calibration`)).status).toBe(
        409,
      );
      expect((await ws.viewer<Json>('GET', `/voice-profiles/${a.id}`)).body['isDefault']).toBe(
        false,
      );

      const changed = await ws.editor<Json>('PATCH', `/voice-profiles/${b.id}`, {
        examples: [SAMPLE_1],
      });
      expect(changed.body['calibration']).toMatchObject({
        sampleCount: 1,
        avgSentenceWords: 3.75,
        hashtagsPerPost: 2,
      });
      expect((await ws.editor('POST', `/voice-profiles/${b.id}/calibration`)).status).toBe(200);

      const distance = await ws.viewer<{ distance: number; outliers: string[] }>(
        'POST',
        `/voice-profiles/${b.id}/calibration/distance`,
        { text: SAMPLE_1 },
      );
      expect(distance.status).toBe(200);
      expect(distance.body).toMatchObject({ distance: 0, outliers: [] });
      const far = await ws.viewer<{ distance: number; outliers: string[] }>(
        'POST',
        `/voice-profiles/${b.id}/calibration/distance`,
        {
          text: 'Organisational transformation necessitates comprehensive stakeholder alignment methodologies.\n\n#a #b #c #d #e #f',
        },
      );
      expect(far.body.outliers).toEqual(
        expect.arrayContaining(['readingGrade', 'hashtagsPerPost']),
      );
      expect(
        (
          await ws.viewer<Problem>('POST', `/voice-profiles/${b.id}/calibration/distance`, {
            text: '',
          })
        ).body.errors?.[0]?.field,
      ).toBe('text');
    });
  });

  describe('content strategy', () => {
    it('numbers chapters and weeks without gaps through inserts, moves, deletes and reorders; says what is next', async () => {
      const ws = await workspace();
      const s = await created(
        ws.editor('POST', '/strategies', { name: 'Hiring', thesis: 'Hiring is a product problem' }),
      );
      const chapter = (theme: string, number?: number) =>
        created(
          ws.editor('POST', `/strategies/${s.id}/chapters`, {
            theme,
            ...(number ? { number } : {}),
          }),
        );
      const c1 = await chapter('Why résumés lie');
      const c2 = await chapter('Interviews as demos');
      const c0 = await chapter('Start here', 1);
      const themes = async () =>
        (await ws.viewer<Page>('GET', `/strategies/${s.id}/chapters`)).body.items.map(
          (c) => `${c['number']}:${c['theme']}`,
        );
      expect(await themes()).toEqual([
        '1:Start here',
        '2:Why résumés lie',
        '3:Interviews as demos',
      ]);
      expect(
        (
          await ws.editor<Problem>('POST', `/strategies/${s.id}/chapters`, {
            theme: 'x',
            number: 9,
          })
        ).body.errors?.[0],
      ).toEqual({ field: 'number', message: 'must be between 1 and 4' });

      expect(
        (await ws.editor<Json>('PATCH', `/chapters/${c2.id}`, { number: 1 })).body['number'],
      ).toBe(1);
      expect(await themes()).toEqual([
        '1:Interviews as demos',
        '2:Start here',
        '3:Why résumés lie',
      ]);
      expect((await ws.admin('DELETE', `/chapters/${c0.id}`)).status).toBe(204);
      expect(await themes()).toEqual(['1:Interviews as demos', '2:Why résumés lie']);
      expect(
        (await ws.editor('PUT', `/strategies/${s.id}/chapters/order`, { ids: [c1.id, c2.id] }))
          .status,
      ).toBe(200);
      expect(await themes()).toEqual(['1:Why résumés lie', '2:Interviews as demos']);
      const wrongOrder = await ws.editor<Problem>('PUT', `/strategies/${s.id}/chapters/order`, {
        ids: [c1.id],
      });
      expect(wrongOrder.status).toBe(400);
      expect(wrongOrder.body.errors?.[0]?.field).toBe('ids');
      expect(await themes()).toEqual(['1:Why résumés lie', '2:Interviews as demos']);

      const entry = (chapterId: unknown, topic: string, extra: Json = {}) =>
        created(
          ws.editor('POST', `/chapters/${chapterId}/story-entries`, {
            topic,
            storySource: `The story of ${topic}.`,
            ...extra,
          }),
        );
      const e1 = await entry(c1.id, 'The résumé that lied');
      const e2 = await entry(c1.id, 'The filter that rejected our best hire', {
        shape: 'reversal',
      });
      const e3 = await entry(c2.id, 'A demo instead of a whiteboard');
      expect(e2).toMatchObject({
        weekNumber: 2,
        strategyId: s.id,
        status: 'planned',
        shape: 'reversal',
      });
      const moved = await ws.editor<Json>('PATCH', `/story-entries/${e2.id}`, { weekNumber: 1 });
      expect(moved.body['weekNumber']).toBe(1);
      expect((await ws.viewer<Json>('GET', `/story-entries/${e1.id}`)).body['weekNumber']).toBe(2);
      expect((await ws.viewer<Page>('GET', `/chapters/${c1.id}`)).body).toMatchObject({
        entryCount: 2,
      });

      const next = await ws.viewer<{ entry: Json; chapter: Json; remaining: number }>(
        'GET',
        '/story-entries/next',
      );
      expect(next.body.entry['id']).toBe(e2.id);
      expect(next.body).toMatchObject({ chapter: { number: 1 }, remaining: 3 });
      await ws.editor('PATCH', `/story-entries/${e2.id}`, { status: 'skipped' });
      await ws.editor('PATCH', `/story-entries/${e1.id}`, { status: 'written' });
      expect(
        (await ws.viewer<{ entry: Json }>('GET', '/story-entries/next')).body.entry['id'],
      ).toBe(e3.id);
      expect((await ws.admin('DELETE', `/story-entries/${e2.id}`)).status).toBe(204);
      expect((await ws.viewer<Json>('GET', `/story-entries/${e1.id}`)).body['weekNumber']).toBe(1);

      // isolation of the nested routes
      const other = await workspace();
      expect((await other.owner('GET', `/strategies/${s.id}/chapters`)).status).toBe(404);
      expect(
        (await other.owner('POST', `/chapters/${c1.id}/story-entries`, { topic: 'x' })).status,
      ).toBe(404);
      expect((await other.owner('GET', `/story-entries/${e1.id}`)).status).toBe(404);
      expect(
        (await other.owner<{ entry: unknown }>('GET', '/story-entries/next')).body.entry,
      ).toBeNull();
      expect((await ws.viewer('POST', `/strategies/${s.id}/chapters`, { theme: 'x' })).status).toBe(
        403,
      );
      expect(
        (await other.owner<Problem>('POST', '/goals', { title: 'G', strategyId: s.id })).body
          .errors?.[0],
      ).toEqual({ field: 'strategyId', message: 'not found in this workspace' });

      // deleting the strategy takes its chapters and entries with it
      expect((await ws.owner('DELETE', `/strategies/${s.id}`)).status).toBe(204);
      expect((await ws.viewer('GET', `/chapters/${c1.id}`)).status).toBe(404);
      expect((await ws.viewer('GET', `/story-entries/${e3.id}`)).status).toBe(404);
    });
  });

  describe('posts', () => {
    async function storyEntry(
      ws: Awaited<ReturnType<typeof workspace>>,
      topic = 'The résumé that lied',
    ) {
      const s = await created(ws.editor('POST', '/strategies', { name: 'Hiring' }));
      const c = await created(
        ws.editor('POST', `/strategies/${s.id}/chapters`, { theme: 'Résumés' }),
      );
      return created(
        ws.editor('POST', `/chapters/${c.id}/story-entries`, {
          topic,
          title: 'A lying résumé',
          storySource: 'We hired from a résumé once.',
        }),
      );
    }

    it('keeps every edit as a version, moves only along valid statuses (409 changes nothing), freezes approved text', async () => {
      const ws = await workspace();
      const entry = await storyEntry(ws);
      const post = await created(
        ws.editor('POST', '/posts', { storyEntryId: entry.id, content: 'First draft.' }),
      );
      expect(post).toMatchObject({
        title: 'A lying résumé',
        status: 'draft',
        currentVersion: 1,
        wordCount: 2,
        storyEntryId: entry.id,
      });
      expect((await ws.viewer<Json>('GET', `/story-entries/${entry.id}`)).body['status']).toBe(
        'drafting',
      );

      const edited = await ws.editor<Json>('PATCH', `/posts/${post.id}`, {
        content: 'Second draft, better.',
        note: 'tightened',
      });
      expect(edited.body).toMatchObject({ currentVersion: 2, content: 'Second draft, better.' });
      expect(
        (await ws.editor<Json>('PATCH', `/posts/${post.id}`, { title: 'Retitled' })).body[
          'currentVersion'
        ],
      ).toBe(2);

      const move = (to: string) =>
        ws.editor<Json & Problem>('POST', `/posts/${post.id}/transition`, { to });
      const refused = await move('published');
      expect(refused.status).toBe(409);
      expect(refused.body.type).toBe(ProblemTypes.conflict);
      expect(refused.body.detail).toContain('from draft to published');
      expect((await ws.viewer<Json>('GET', `/posts/${post.id}`)).body['status']).toBe('draft');
      expect((await move('sideways')).status).toBe(400);
      expect((await move('in_review')).body['status']).toBe('in_review');
      expect((await move('approved')).body['status']).toBe('approved');
      expect((await ws.viewer<Json>('GET', `/story-entries/${entry.id}`)).body['status']).toBe(
        'written',
      );

      const frozen = await ws.editor<Problem>('PATCH', `/posts/${post.id}`, {
        content: 'Sneaky change.',
      });
      expect(frozen.status).toBe(409);
      expect((await ws.viewer<Json>('GET', `/posts/${post.id}`)).body).toMatchObject({
        content: 'Second draft, better.',
        currentVersion: 2,
      });
      expect(
        (await ws.viewer('POST', `/posts/${post.id}/transition`, { to: 'published' })).status,
      ).toBe(403);
      const published = await move('published');
      expect(published.body['publishedAt']).toEqual(expect.any(String));
      expect((await ws.viewer<Json>('GET', `/story-entries/${entry.id}`)).body['status']).toBe(
        'published',
      );
      expect((await move('draft')).status).toBe(409);
      expect((await move('archived')).body['status']).toBe('archived');
      expect((await move('draft')).status).toBe(409);

      const versions = await ws.viewer<Page>('GET', `/posts/${post.id}/versions`);
      expect(versions.body.items.map((v) => [v['number'], v['source'], v['note']])).toEqual([
        [2, 'human', 'tightened'],
        [1, 'human', 'first draft'],
      ]);
      expect(versions.body.items[0]?.['createdBy']).toEqual(expect.any(String));
      expect((await ws.viewer<Json>('GET', `/posts/${post.id}/versions/1`)).body['content']).toBe(
        'First draft.',
      );
      expect((await ws.viewer('GET', `/posts/${post.id}/versions/7`)).status).toBe(404);

      const empty = await created(ws.editor('POST', '/posts', { title: 'Empty' }));
      expect(empty['currentVersion']).toBe(0);
      expect(
        (await ws.editor<Problem>('POST', `/posts/${empty.id}/transition`, { to: 'in_review' }))
          .body.detail,
      ).toBe('the post has no text yet');
      expect(
        (await ws.editor<Problem>('POST', '/posts', { content: 'no title, no entry' })).body
          .errors?.[0]?.field,
      ).toBe('title');

      const other = await workspace();
      expect((await other.owner('GET', `/posts/${post.id}/versions`)).status).toBe(404);
      expect(
        (await other.owner('POST', `/posts/${post.id}/transition`, { to: 'draft' })).status,
      ).toBe(404);
      expect((await other.owner('GET', `/posts/${post.id}/export`)).status).toBe(404);
    });

    it('writes nothing when part of a request is invalid', async () => {
      const ws = await workspace();
      const entry = await storyEntry(ws);
      const before = await ds.query(
        `SELECT count(*)::int AS n FROM content.posts WHERE workspace_id = $1`,
        [ws.id],
      );
      const bad = await ws.editor<Problem>('POST', '/posts', {
        storyEntryId: entry.id,
        voiceProfileId: randomUUID(),
        content: 'Draft',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.[0]?.field).toBe('voiceProfileId');
      expect(
        await ds.query(`SELECT count(*)::int AS n FROM content.posts WHERE workspace_id = $1`, [
          ws.id,
        ]),
      ).toEqual(before);
      // the story entry was not moved to "drafting" either: the whole transaction rolled back
      expect((await ws.viewer<Json>('GET', `/story-entries/${entry.id}`)).body['status']).toBe(
        'planned',
      );

      const parts = await imageParts(ws.editor);
      const badPrompt = await ws.editor<Problem>('POST', '/image-prompts', {
        name: 'x',
        ...parts,
        propIds: [...(parts['propIds'] as string[]), randomUUID()],
      });
      expect(badPrompt.body.errors?.[0]?.field).toBe('propIds.1');
      expect((await ws.viewer<Page>('GET', '/image-prompts')).body.total).toBe(0);
    });

    it('exports paste-ready text, lints against the voice, and searches the finished library', async () => {
      const ws = await workspace();
      const voice = await created(
        ws.editor('POST', '/voice-profiles', {
          name: 'Dana',
          examples: [SAMPLE_1],
          avoid: ['synergy'],
          isDefault: true,
        }),
      );
      const make = async (title: string, content: string, to: string[]) => {
        const p = await created(
          ws.editor('POST', '/posts', { title, content, voiceProfileId: voice.id }),
        );
        for (const status of to)
          await ws.editor('POST', `/posts/${p.id}/transition`, { to: status });
        return p;
      };
      const hiring = await make(
        'Hiring lessons',
        '**Hiring** is a product problem.\n\n\n\nWe interviewed ten engineers. 🚀\n\n#hiring',
        ['in_review', 'approved', 'published'],
      );
      const pricing = await make('Pricing', 'We doubled our price and nobody left.', [
        'in_review',
        'approved',
      ]);
      await make('Draft about hiring', 'Hiring drafts are not finished.', []);

      const exported = await ws.viewer<string>('GET', `/posts/${hiring.id}/export`);
      expect(exported.status).toBe(200);
      expect(exported.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      // RFC 6266 (express's res.attachment): a plain token needs no quotes
      expect(exported.headers.get('content-disposition')).toBe(
        'attachment; filename=hiring-lessons.txt',
      );
      expect(exported.body).toBe(
        'Hiring is a product problem.\n\nWe interviewed ten engineers. 🚀\n\n#hiring',
      );

      const lint = await ws.viewer<{
        findings: { rule: string }[];
        errors: number;
        voice: { outliers: string[] } | null;
      }>('GET', `/posts/${pricing.id}/lint`);
      expect(lint.status).toBe(200);
      expect(lint.body.findings.map((f) => f.rule)).toContain('word-count');
      expect(lint.body.voice).not.toBeNull();

      const lib = await ws.viewer<Page>('GET', '/finished-posts');
      expect(lib.body.items.map((p) => p['title']).sort()).toEqual(['Hiring lessons', 'Pricing']);
      const found = await ws.viewer<Page>('GET', '/finished-posts?q=interviewing%20engineers');
      expect(found.body.items.map((p) => p['title'])).toEqual(['Hiring lessons']);
      expect(found.body.items[0]?.['headline']).toContain('<<engineers>>');
      expect(
        (await ws.viewer<Page>('GET', '/finished-posts?status=approved')).body.items.map(
          (p) => p['title'],
        ),
      ).toEqual(['Pricing']);
      expect(
        (await ws.viewer<Page>('GET', '/finished-posts?from=2000-01-01&to=2000-12-31')).body.total,
      ).toBe(0);
      expect(
        (await ws.viewer<Problem>('GET', '/finished-posts?status=draft')).body.errors?.[0]?.field,
      ).toBe('status');
      expect(
        (await (await workspace()).owner<Page>('GET', '/finished-posts?q=hiring')).body.total,
      ).toBe(0);
    });
  });

  describe('workflow personas', () => {
    it('rejects unknown placeholders, one name per workspace, and lists the built-in templates', async () => {
      const ws = await workspace();
      const bad = await ws.editor<Problem>('POST', '/personas', {
        name: 'writer',
        template: 'Write about {{story_title}} for {{audience}}.',
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors?.[0]?.field).toBe('template');
      expect(bad.body.errors?.[0]?.message).toContain('{{audience}}');
      const ok = await created(
        ws.editor('POST', '/personas', {
          name: 'writer',
          template: 'Write about {{story_title}}.',
        }),
      );
      expect(ok).toMatchObject({ placeholders: ['story_title'], overridesDefault: true });
      expect(
        (await ws.editor('POST', '/personas', { name: 'writer', template: 'Again.' })).status,
      ).toBe(409);
      expect(
        (await ws.editor<Problem>('PATCH', `/personas/${ok.id}`, { template: '{{nope}}' })).body
          .errors?.[0]?.field,
      ).toBe('template');
      expect((await ws.viewer<Json>('GET', `/personas/${ok.id}`)).body['template']).toBe(
        'Write about {{story_title}}.',
      );

      const defaults = await ws.viewer<{
        knownPlaceholders: string[];
        personas: { name: string; overridden: boolean }[];
      }>('GET', '/personas/defaults');
      expect(defaults.status).toBe(200);
      expect(defaults.body.knownPlaceholders).toContain('story_title');
      expect(defaults.body.personas).toEqual(
        expect.arrayContaining([
          {
            name: 'writer',
            template: expect.any(String),
            placeholders: expect.any(Array),
            overridden: true,
          },
        ]),
      );
      expect(defaults.body.personas.find((p) => p.name === 'auditor')?.overridden).toBe(false);
    });
  });

  describe('visual assets', () => {
    it('composes the same image prompt for the same parts, previews it, and lets go of deleted parts', async () => {
      const ws = await workspace();
      const parts = await imageParts(ws.editor);
      const a = await ws.editor<{ prompt: string; hash: string }>(
        'POST',
        '/image-prompts/preview',
        parts,
      );
      const b = await ws.editor<{ prompt: string; hash: string }>(
        'POST',
        '/image-prompts/preview',
        parts,
      );
      expect(a.status).toBe(200);
      expect(b.body).toEqual(a.body);
      expect(a.body.prompt).toContain('Subject: Maya. Mid-thirties, short dark hair.');
      expect(a.body.prompt).toContain('Camera: medium shot from the waist up.');
      const saved = await created(ws.editor('POST', '/image-prompts', { name: 'Hero', ...parts }));
      expect(saved).toMatchObject({ prompt: a.body.prompt, hash: a.body.hash });

      const other = await workspace();
      const foreign = await other.editor<Problem>('POST', '/image-prompts/preview', parts);
      expect(foreign.status).toBe(400);
      expect(foreign.body.errors?.[0]).toEqual({
        field: 'characterId',
        message: 'not found in this workspace',
      });

      expect((await ws.admin('DELETE', `/sentiments/${parts['sentimentId']}`)).status).toBe(204);
      expect(
        (await ws.viewer<Json>('GET', `/scenes/${parts['sceneId']}`)).body['sentimentId'],
      ).toBeNull();
      expect((await ws.viewer<Json>('GET', `/image-prompts/${saved.id}`)).body).toMatchObject({
        sentimentId: null,
        prompt: a.body.prompt,
      });
      expect(
        (await ws.editor<Problem>('PATCH', `/image-prompts/${saved.id}`, { aspect: '1:1' })).body
          .errors?.[0]?.field,
      ).toBe('sentimentId');
      expect((await ws.admin('DELETE', `/props/${(parts['propIds'] as string[])[0]}`)).status).toBe(
        204,
      );
      expect((await ws.viewer<Json>('GET', `/image-prompts/${saved.id}`)).body['propIds']).toEqual(
        [],
      );
    });

    it('drafts a character from a photo with the simulated reader when no Gemini key is set', async () => {
      const ws = await workspace();
      const png = Buffer.alloc(33);
      png.writeUInt32BE(0x89504e47, 0);
      png.writeUInt32BE(800, 16);
      png.writeUInt32BE(600, 20);
      const res = await ws.editor<{ draft: Json; backend: string }>(
        'POST',
        '/characters/draft-from-photo',
        { mimeType: 'image/png', imageBase64: png.toString('base64'), name: 'Ada' },
      );
      expect(res.status).toBe(200);
      expect(res.body.backend).toBe('simulated');
      expect(res.body.draft).toMatchObject({
        name: 'Ada',
        description: expect.stringContaining('landscape photo of 800×600'),
      });
      expect(
        (
          await ws.viewer('POST', '/characters/draft-from-photo', {
            mimeType: 'image/png',
            imageBase64: png.toString('base64'),
          })
        ).status,
      ).toBe(403);
      expect(
        (
          await ws.editor<Problem>('POST', '/characters/draft-from-photo', {
            mimeType: 'image/gif',
            imageBase64: png.toString('base64'),
          })
        ).body.errors?.[0]?.field,
      ).toBe('mimeType');
      expect((await ws.viewer<Page>('GET', '/characters')).body.total).toBe(0);
    });
  });

  describe('market intelligence', () => {
    const corpus = {
      hiring:
        'Hiring engineers: what ten interviews taught us about hiring engineers and reading résumés.',
      interviews:
        'Interviews are demos. We stopped whiteboard interviews and asked engineers to show their work.',
      pricing: 'Pricing our product: we doubled the price and customers stayed.',
      remote:
        'Remote rituals that kept distributed engineers close: weekly demos and written updates.',
    };

    it('returns the nearest items of the workspace in order, never another workspace’s, however similar', async () => {
      const ws = await workspace();
      const other = await workspace();
      const ids: Record<string, string> = {};
      for (const [key, text] of Object.entries(corpus)) {
        const s = await created(ws.editor('POST', '/sources', { title: key, text }));
        ids[key] = s.id as string;
        expect(s['chunkCount']).toBe(1);
      }
      // the other workspace holds the query itself: more similar than anything the first one has
      const query = 'what interviews taught us about hiring engineers';
      const twin = await created(
        other.editor('POST', '/sources', { title: 'interviews and hiring', text: query }),
      );

      const res = await ws.viewer<{
        hits: { sourceId: string; similarity: number; sourceType: string; title: string }[];
        provider: string;
      }>('GET', `/search?q=${encodeURIComponent(query)}&limit=4`);
      expect(res.status).toBe(200);
      expect(res.body.provider).toBe('offline');
      // expected order: the same provider's cosine similarities computed here, item by item
      const provider = new OfflineEmbeddingProvider(1536);
      const q = provider.embedOne(query);
      const cos = (text: string) =>
        provider.embedOne(text).reduce((s, x, i) => s + x * (q[i] as number), 0);
      const expected = Object.entries(corpus)
        .map(([key, text]) => ({ key, sim: cos(`${key}\n\n${text}`) }))
        .sort((x, y) => y.sim - x.sim);
      expect(res.body.hits.map((h) => h.title)).toEqual(expected.map((e) => e.key));
      expect(res.body.hits[0]?.title).toBe('hiring');
      for (const [i, hit] of res.body.hits.entries())
        expect(hit.similarity).toBeCloseTo(expected[i]?.sim ?? 0, 5);
      expect(res.body.hits.map((h) => h.sourceId)).not.toContain(twin.id);

      const mine = await other.viewer<{ hits: { sourceId: string; similarity: number }[] }>(
        'GET',
        `/search?q=${encodeURIComponent(query)}`,
      );
      expect(mine.body.hits).toEqual([expect.objectContaining({ sourceId: twin.id })]);
      expect(mine.body.hits[0]?.similarity).toBeGreaterThan(
        (res.body.hits[0]?.similarity ?? 1) + 0.05,
      );

      // filters, validation, and deletion leaving the index
      expect(
        (await ws.viewer<{ hits: unknown[] }>('GET', `/search?q=hiring&types=post`)).body.hits,
      ).toEqual([]);
      expect(
        (await ws.viewer<Problem>('GET', `/search?q=hiring&types=tweets`)).body.errors?.[0]?.field,
      ).toBe('types');
      expect((await ws.viewer<Problem>('GET', `/search`)).body.errors?.[0]?.field).toBe('q');
      expect((await ws.admin('DELETE', `/sources/${ids['hiring']}`)).status).toBe(204);
      const after = await ws.viewer<{ hits: { title: string }[] }>(
        'GET',
        `/search?q=${encodeURIComponent(query)}&limit=4`,
      );
      expect(after.body.hits.map((h) => h.title)).not.toContain('hiring');
      const reindexed = await ws.editor<{ items: number; chunks: number }>(
        'POST',
        '/search/reindex',
      );
      expect(reindexed.body).toEqual({ items: 3, chunks: 3 });
    });

    it('finds the similar posts of a draft, and searches story entries and posts too', async () => {
      const ws = await workspace();
      const draft = await created(
        ws.editor('POST', '/posts', { title: 'Hiring again', content: corpus.hiring }),
      );
      const near = await created(
        ws.editor('POST', '/posts', {
          title: 'Interviews',
          content: `${corpus.interviews} Hiring engineers is hard.`,
        }),
      );
      await created(ws.editor('POST', '/posts', { title: 'Pricing', content: corpus.pricing }));
      const similar = await ws.viewer<{ post: Json; similarity: number }[]>(
        'GET',
        `/posts/${draft.id}/similar?limit=2`,
      );
      expect(similar.status).toBe(200);
      expect(similar.body.map((s) => s.post['id'])).toEqual([near.id, expect.any(String)]);
      expect(similar.body.map((s) => s.post['id'])).not.toContain(draft.id);
      expect(similar.body[0]?.similarity).toBeGreaterThan(similar.body[1]?.similarity ?? 1);
      const hits = await ws.viewer<{ hits: { sourceType: string; sourceId: string }[] }>(
        'GET',
        `/search?q=${encodeURIComponent('ten interviews about hiring engineers')}&types=post&limit=1`,
      );
      expect(hits.body.hits).toEqual([
        expect.objectContaining({ sourceType: 'post', sourceId: draft.id }),
      ]);
    });

    it('keeps one primary audience segment and one calibration per voice, segment and platform', async () => {
      const ws = await workspace();
      const a = await created(
        ws.editor('POST', '/audience-segments', { name: 'Founders', isPrimary: true }),
      );
      const b = await created(
        ws.editor('POST', '/audience-segments', { name: 'Engineers', isPrimary: true }),
      );
      expect((await ws.viewer<Json>('GET', `/audience-segments/${a.id}`)).body['isPrimary']).toBe(
        false,
      );
      expect(b['isPrimary']).toBe(true);
      const voice = await created(ws.editor('POST', '/voice-profiles', { name: 'V' }));
      const body = { voiceProfileId: voice.id, segmentId: b.id, platform: 'linkedin' };
      const cv = await created(ws.editor('POST', '/calibrated-voices', body));
      expect(cv['voiceSpec']).toMatchObject({ formality: 3, toneAdjustments: [] });
      expect((await ws.editor('POST', '/calibrated-voices', body)).status).toBe(409);
      expect(
        (await ws.editor('POST', '/calibrated-voices', { ...body, platform: 'x' })).status,
      ).toBe(201);
      const other = await workspace();
      expect(
        (await other.editor<Problem>('POST', '/calibrated-voices', body)).body.errors?.[0]?.field,
      ).toBe('voiceProfileId');
    });
  });

  describe('service to service', () => {
    async function runnableEntry(ws: Awaited<ReturnType<typeof workspace>>) {
      const s = await created(ws.editor('POST', '/strategies', { name: 'S' }));
      const c = await created(ws.editor('POST', `/strategies/${s.id}/chapters`, { theme: 'T' }));
      return created(
        ws.editor('POST', `/chapters/${c.id}/story-entries`, {
          topic: 'A lying résumé',
          storySource: 'We hired from a résumé once.',
          shape: 'reversal',
        }),
      );
    }

    it('answers content.run-context.get with story, voice, calibration, persona overrides and segment in one reply', async () => {
      const ws = await workspace();
      const entry = await runnableEntry(ws);
      const rpc = app.get(NatsRpcClient);
      const ask = (payload: unknown) =>
        rpc.request(CONTENT_RUN_CONTEXT_SUBJECT, payload, RunContextReplySchema);

      const bare = await ask({ workspaceId: ws.id, storyEntryId: entry.id });
      expect(bare).toMatchObject({
        storyEntryId: entry.id,
        story: {
          title: 'A lying résumé',
          topic: 'A lying résumé',
          body: 'We hired from a résumé once.',
          shape: 'reversal',
        },
        voiceProfileId: null,
        voice: { name: 'Default professional voice' },
        calibration: null,
        personaOverrides: {},
        segment: null,
      });

      const voice = await created(
        ws.editor('POST', '/voice-profiles', {
          name: 'Dana',
          examples: [SAMPLE_1],
          isDefault: true,
        }),
      );
      const other = await created(ws.editor('POST', '/voice-profiles', { name: 'Lee' }));
      await created(
        ws.editor('POST', '/personas', { name: 'writer', template: 'Write {{story_title}}.' }),
      );
      const segment = await created(
        ws.editor('POST', '/audience-segments', {
          name: 'Founders',
          description: 'Seed-stage founders',
          isPrimary: true,
        }),
      );
      const full = await ask({ workspaceId: ws.id, storyEntryId: entry.id });
      expect(full).toMatchObject({
        voiceProfileId: voice.id,
        voice: { name: 'Dana', examples: [SAMPLE_1] },
        calibration: { sampleCount: 1, hashtagsPerPost: 2 },
        personaOverrides: { writer: 'Write {{story_title}}.' },
        segment: { id: segment.id, name: 'Founders', description: 'Seed-stage founders' },
      });
      expect(
        (await ask({ workspaceId: ws.id, storyEntryId: entry.id, voiceProfileId: other.id })).voice
          .name,
      ).toBe('Lee');

      const stranger = await workspace();
      // RPC errors reach the caller as {error: {status, message}, message}
      await expect(ask({ workspaceId: stranger.id, storyEntryId: entry.id })).rejects.toMatchObject(
        { error: { status: 404 }, message: 'story entry not found in this workspace' },
      );
      await expect(
        ask({ workspaceId: ws.id, storyEntryId: entry.id, voiceProfileId: randomUUID() }),
      ).rejects.toMatchObject({ error: { status: 404 } });
      await expect(ask({ workspaceId: 'nope', storyEntryId: entry.id })).rejects.toMatchObject({
        error: { status: 400, message: expect.stringContaining('workspaceId') },
      });
    });

    it('stores a finished run as one version however often the event arrives', async () => {
      const ws = await workspace();
      const entry = await runnableEntry(ws);
      const js = app.get(JetStreamService);
      const jsm = await jetstreamManager(app.get(NATS_CONNECTION));
      const event = (over: Partial<RunFinishedEvent> = {}): RunFinishedEvent => ({
        runId: randomUUID(),
        workspaceId: ws.id,
        storyEntryId: entry.id as string,
        workflow: 'linkedin_post',
        status: 'completed',
        reason: null,
        finalPost: 'The résumé lied. The work did not.\n\n#hiring',
        usage: { tokensIn: 1200, tokensOut: 400, costUsd: 0.02 },
        at: new Date().toISOString(),
        ...over,
      });
      /** Publishes and waits until the content consumer has acknowledged everything up to it. */
      const deliver = async (ev: RunFinishedEvent, msgId: string) => {
        const { seq } = await js.publish(RUN_FINISHED_SUBJECT, ev, msgId);
        await waitFor(`the consumer to ack #${seq}`, async () => {
          const info = await jsm.consumers.info(ORCHESTRATION_STREAM, RUN_FINISHED_DURABLE);
          return info.ack_floor.stream_seq >= seq && info.num_ack_pending === 0 ? true : undefined;
        });
      };
      const versionsOf = (runId: string) =>
        ds.query(`SELECT post_id, number FROM content.post_versions WHERE run_id = $1`, [runId]);

      const run = event();
      // twice with distinct message ids, so JetStream's own de-duplication cannot hide a handler bug
      await deliver(run, `${run.runId}:a`);
      await deliver(run, `${run.runId}:b`);
      const stored = await versionsOf(run.runId);
      expect(stored).toHaveLength(1);
      const posts = await ws.viewer<Page>('GET', `/posts?storyEntryId=${entry.id}`);
      expect(posts.body.items).toHaveLength(1);
      expect(posts.body.items[0]).toMatchObject({
        status: 'draft',
        currentVersion: 1,
        content: run.finalPost,
        title: 'A lying résumé',
      });
      const [version] = (
        await ws.viewer<Page>('GET', `/posts/${posts.body.items[0]?.['id']}/versions`)
      ).body.items;
      expect(version).toMatchObject({
        source: 'workflow',
        runId: run.runId,
        workflow: 'linkedin_post',
      });
      expect((await ws.viewer<Json>('GET', `/story-entries/${entry.id}`)).body['status']).toBe(
        'written',
      );

      // a second run revises the same open post; a failed run stores nothing
      const second = event({ finalPost: 'Second take.' });
      await deliver(second, second.runId);
      const failed = event({ status: 'failed', finalPost: null, reason: 'breaker tripped' });
      await deliver(failed, failed.runId);
      expect(await versionsOf(failed.runId)).toEqual([]);
      const after = await ws.viewer<Page>('GET', `/posts?storyEntryId=${entry.id}`);
      expect(after.body.items).toHaveLength(1);
      expect(after.body.items[0]).toMatchObject({ currentVersion: 2, content: 'Second take.' });

      // once the post is published, the next run starts a new draft instead of touching it
      const postId = after.body.items[0]?.['id'];
      for (const to of ['in_review', 'approved', 'published'])
        await ws.editor('POST', `/posts/${postId}/transition`, { to });
      const third = event({ finalPost: 'A fresh angle.' });
      await deliver(third, third.runId);
      const all = await ws.viewer<Page>('GET', `/posts?storyEntryId=${entry.id}`);
      expect(all.body.items.map((p) => [p['status'], p['content']]).sort()).toEqual([
        ['draft', 'A fresh angle.'],
        ['published', 'Second take.'],
      ]);
    });
  });
});
