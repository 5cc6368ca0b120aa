import { OfflineEmbeddingProvider } from '../intelligence/offline-embedding.provider';
import { useContentApp, type Json, type Problem, created } from '../testing/content-app';

jest.setTimeout(120_000);

describe('content service: market intelligence (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
});
