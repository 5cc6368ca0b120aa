import { useContentApp, type Json, type Page, type Problem, created } from '../testing/content-app';
import { imageParts } from '../testing/samples';

jest.setTimeout(120_000);

describe('content service: visual assets (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
});
