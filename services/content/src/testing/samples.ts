import { created, type CallerClient, type Json } from './content-app';

/** The first voice sample of calibration.spec.ts, whose figures are computed by hand there. */
export const SAMPLE_1 = [
  'I quit my job last year.',
  'It was terrifying.',
  '',
  'Did I regret it? Not once. 🚀',
  '',
  '#career #growth',
].join('\n');
export const SAMPLE_2 = [
  'We shipped the new onboarding flow today.',
  '',
  'Three lessons stood out. Talk to users early! Measure what matters.',
].join('\n');

/** One of each part an image prompt combines, created through `caller`; the prompt's request body. */
export async function imageParts(caller: CallerClient): Promise<Json> {
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
