import { ProblemTypes } from '@postmagiq/platform';
import { randomUUID } from 'node:crypto';
import { useContentApp, type Json, type Page, type Problem, created } from '../testing/content-app';
import { SAMPLE_1, imageParts } from '../testing/samples';

jest.setTimeout(120_000);

describe('content service: posts (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
      const before = await fx.ds.query(
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
        await fx.ds.query(`SELECT count(*)::int AS n FROM content.posts WHERE workspace_id = $1`, [
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
      expect(exported.headers.get('content-disposition')).toBe(
        // RFC 6266 (express's res.attachment): a plain token needs no quotes
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
});
