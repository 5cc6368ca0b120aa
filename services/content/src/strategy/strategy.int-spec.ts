import { useContentApp, type Json, type Page, type Problem, created } from '../testing/content-app';

jest.setTimeout(120_000);

describe('content service: content strategy (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
});
