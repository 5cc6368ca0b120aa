import { FakeGeminiServer } from '@postmagiq/agents/testing';
import {
  GeminiPhotoReader,
  imageSize,
  parseCharacterJson,
  SimulatedPhotoReader,
} from './photo-reader';

/** A 3×2 PNG header (enough for the size sniffing). */
function pngHeader(width: number, height: number): Buffer {
  const b = Buffer.alloc(33);
  b.writeUInt32BE(0x89504e47, 0);
  b.writeUInt32BE(0x0d0a1a0a, 4);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  return b;
}

describe('photo readers', () => {
  it('reads PNG and JPEG sizes from their headers', () => {
    expect(imageSize(pngHeader(640, 480))).toEqual({ width: 640, height: 480 });
    const jpeg = Buffer.from([
      0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x01, 0xe0,
      0x02, 0x80, 0x03,
    ]);
    expect(imageSize(jpeg)).toEqual({ width: 640, height: 480 });
    expect(imageSize(Buffer.from('not an image at all'))).toBeUndefined();
  });

  it('simulates a deterministic, labelled draft without a key', async () => {
    const reader = new SimulatedPhotoReader();
    const photo = { mimeType: 'image/png', data: pngHeader(400, 600) };
    const a = await reader.draft(photo, 'Maya');
    expect(a).toEqual(await reader.draft(photo, 'Maya'));
    expect(a.name).toBe('Maya');
    expect(a.description).toContain('Simulated draft');
    expect(a.description).toContain('portrait photo of 400×600');
    expect(a.appearance).toMatch(/build, .+, wearing .+\.$/);
  });

  it('tolerates fences around the JSON and refuses an answer without one', () => {
    expect(
      parseCharacterJson('```json\n{"name":"Lee","appearance":"tall","personality":"calm"}\n```'),
    ).toEqual({
      name: 'Lee',
      description: '',
      appearance: 'tall',
      personality: 'calm',
    });
    expect(() => parseCharacterJson('I cannot help with that')).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({
          status: 502,
          detail: 'the vision model did not answer with JSON',
        }),
      }),
    );
  });

  describe('through the Gemini SDK against a fake Gemini server', () => {
    const server = new FakeGeminiServer('AIza-test');
    beforeAll(() => server.start());
    afterAll(() => server.close());

    it('sends the photo inline with the instructions and parses the streamed JSON', async () => {
      server.enqueue({
        kind: 'stream',
        chunks: [
          '{"name": "Dana", "description": "A founder",',
          ' "appearance": "forties, grey hair",',
          ' "personality": "warm"}',
        ],
      });
      const reader = new GeminiPhotoReader('AIza-test', 'gemini-2.5-flash', server.url);
      const photo = { mimeType: 'image/png', data: pngHeader(10, 10) };
      const draft = await reader.draft(photo);
      expect(draft).toEqual({
        name: 'Dana',
        description: 'A founder',
        appearance: 'forties, grey hair',
        personality: 'warm',
      });
      expect(server.requests.at(-1)?.url).toContain(
        '/v1beta/models/gemini-2.5-flash:streamGenerateContent',
      );
      const body = server.bodyOf() as {
        contents: { parts: { inlineData?: { mimeType: string; data: string }; text?: string }[] }[];
      };
      const parts = body.contents[0]?.parts ?? [];
      expect(parts[0]?.inlineData).toEqual({
        mimeType: 'image/png',
        data: photo.data.toString('base64'),
      });
      expect(parts[1]?.text).toContain('Answer with JSON only');
    });

    it('answers 502 with the vendor message when the key is refused', async () => {
      const reader = new GeminiPhotoReader('wrong-key', 'gemini-2.5-flash', server.url);
      await expect(
        reader.draft({ mimeType: 'image/png', data: pngHeader(1, 1) }),
      ).rejects.toMatchObject({
        problem: { status: 502, detail: expect.stringContaining('API key not valid') },
      });
    });
  });
});
