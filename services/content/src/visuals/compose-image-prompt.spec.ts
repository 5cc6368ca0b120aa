import { composeImagePrompt, ImagePromptParts, NEGATIVE_PROMPT } from './compose-image-prompt';

const parts: ImagePromptParts = {
  character: {
    name: 'Maya',
    description: 'A product lead ',
    appearance: 'Mid-thirties,  short dark hair',
    personality: 'calm, curious',
  },
  scene: {
    name: 'Open office',
    description: 'Late afternoon light',
    props: ['whiteboard', 'rainy window'],
  },
  pose: { name: 'Leaning on a desk', description: '', cameraAngle: 'medium-shot' },
  outfit: { name: 'Smart casual', parts: ['navy blazer', 'white tee'] },
  sentiment: {
    name: 'Reflective',
    mood: 'quiet confidence',
    colorScheme: ['slate blue', 'warm grey'],
  },
  props: [{ name: 'Coffee mug', category: 'object', description: '' }],
  aspect: '4:5',
  extra: 'shot on 35mm',
};

describe('composeImagePrompt', () => {
  it('writes one line per part in a fixed order, whitespace normalised', () => {
    const { prompt, negativePrompt } = composeImagePrompt(parts);
    expect(prompt).toBe(
      [
        'Photorealistic editorial photograph, portrait 4:5 (LinkedIn feed, mobile).',
        'Subject: Maya. Mid-thirties, short dark hair. A product lead.',
        'Their expression and body language convey: calm, curious.',
        'Wearing navy blazer, white tee (Smart casual).',
        'Pose: Leaning on a desk. Camera: medium shot from the waist up.',
        'Setting: Open office. Late afternoon light. In the set: whiteboard, rainy window.',
        'Props: Coffee mug (object).',
        'Mood: quiet confidence. Colour palette: slate blue, warm grey.',
        'shot on 35mm.',
      ].join('\n'),
    );
    expect(negativePrompt).toBe(NEGATIVE_PROMPT);
  });

  it('is deterministic: equal parts give an equal hash, any change another', () => {
    const a = composeImagePrompt(parts);
    expect(composeImagePrompt(structuredClone(parts))).toEqual(a);
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(composeImagePrompt({ ...parts, aspect: '1:1' }).hash).not.toBe(a.hash);
  });

  it('leaves out empty parts instead of writing empty lines', () => {
    const { prompt } = composeImagePrompt({
      ...parts,
      character: { name: 'Sam', description: '', appearance: '', personality: '' },
      props: [],
      sentiment: { name: 'Hopeful', mood: '', colorScheme: [] },
      extra: '',
    });
    expect(prompt).not.toMatch(/\n\n/);
    expect(prompt).toContain('Subject: Sam.\n');
    expect(prompt).toContain('Mood: Hopeful.');
    expect(prompt).not.toContain('Props:');
  });
});
