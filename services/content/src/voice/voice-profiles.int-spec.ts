import { useContentApp, type Json, type Problem, created } from '../testing/content-app';
import { SAMPLE_1, SAMPLE_2 } from '../testing/samples';

jest.setTimeout(120_000);

describe('content service: voice profiles (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
});
