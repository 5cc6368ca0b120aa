import { ProblemTypes } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { useContentApp, type Json, type Page, type Problem, created } from '../testing/content-app';
import { SAMPLE_1, imageParts } from '../testing/samples';

jest.setTimeout(120_000);

describe('content service: workspace CRUD resources (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
});
