import { useContentApp, type Json, type Problem, created } from '../testing/content-app';

jest.setTimeout(120_000);

describe('content service: workflow personas (real Redis, NATS, embedded Postgres with pgvector)', () => {
  const fx = useContentApp();
  const { workspace } = fx;

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
});
