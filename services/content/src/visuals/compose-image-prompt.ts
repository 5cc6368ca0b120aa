import type { CameraAngle, ImageAspect, ImagePromptPreview } from '@postmagiq/contracts';
import { createHash } from 'node:crypto';

export interface ImagePromptParts {
  character: { name: string; description: string; appearance: string; personality: string };
  scene: { name: string; description: string; props: string[] };
  pose: { name: string; description: string; cameraAngle: CameraAngle };
  outfit: { name: string; parts: string[] };
  sentiment: { name: string; mood: string; colorScheme: string[] };
  props: { name: string; category: string; description: string }[];
  aspect: ImageAspect;
  extra: string;
}

const CAMERA: Record<CameraAngle, string> = {
  'eye-level': 'eye-level shot',
  'high-angle': 'high-angle shot looking down on the subject',
  'low-angle': 'low-angle shot looking up at the subject',
  overhead: "overhead bird's-eye view",
  'close-up': 'close-up framing the face and shoulders',
  'medium-shot': 'medium shot from the waist up',
  'wide-shot': 'wide shot showing the whole setting',
  'over-the-shoulder': 'over-the-shoulder shot',
  'dutch-angle': 'tilted dutch-angle shot',
};

const ASPECT: Record<ImageAspect, string> = {
  '1:1': 'square 1:1 (LinkedIn feed)',
  '4:5': 'portrait 4:5 (LinkedIn feed, mobile)',
  '1.91:1': 'landscape 1.91:1 (LinkedIn link preview)',
  '16:9': 'landscape 16:9',
  '9:16': 'vertical 9:16 (stories)',
};

/** What no image of a professional post should contain; fixed so the same parts give the same prompt. */
export const NEGATIVE_PROMPT =
  'text, captions, watermark, logo, distorted hands, extra fingers, deformed face, blurry, low resolution, oversaturated';

const sentence = (s: string) => {
  const t = s.trim().replace(/\s+/g, ' ');
  if (!t) return '';
  return /[.!?]$/.test(t) ? t : `${t}.`;
};
const joinList = (items: string[]) =>
  items
    .map((s) => s.trim())
    .filter(Boolean)
    .join(', ');

/**
 * The image prompt for a character in a scene: one line per part in a fixed order, whitespace
 * normalised, props in the order given. Pure and deterministic: equal parts, equal text and hash.
 */
export function composeImagePrompt(p: ImagePromptParts): ImagePromptPreview {
  const lines = [
    `Photorealistic editorial photograph, ${ASPECT[p.aspect]}.`,
    [
      `Subject: ${p.character.name}.`,
      sentence(p.character.appearance),
      sentence(p.character.description),
    ]
      .filter(Boolean)
      .join(' '),
    p.character.personality.trim()
      ? `Their expression and body language convey: ${sentence(p.character.personality)}`
      : '',
    p.outfit.parts.length ? `Wearing ${joinList(p.outfit.parts)} (${p.outfit.name}).` : '',
    [
      `Pose: ${p.pose.name}.`,
      sentence(p.pose.description),
      `Camera: ${CAMERA[p.pose.cameraAngle]}.`,
    ]
      .filter(Boolean)
      .join(' '),
    [
      `Setting: ${p.scene.name}.`,
      sentence(p.scene.description),
      p.scene.props.length ? `In the set: ${joinList(p.scene.props)}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    p.props.length
      ? `Props: ${p.props.map((prop) => (prop.description.trim() ? `${prop.name} (${prop.category}: ${prop.description.trim()})` : `${prop.name} (${prop.category})`)).join('; ')}.`
      : '',
    [
      `Mood: ${p.sentiment.mood.trim() || p.sentiment.name}.`,
      p.sentiment.colorScheme.length ? `Colour palette: ${joinList(p.sentiment.colorScheme)}.` : '',
    ]
      .filter(Boolean)
      .join(' '),
    sentence(p.extra),
  ].filter((line) => line.trim() !== '');
  const prompt = lines.join('\n');
  const hash = createHash('sha256')
    .update(prompt)
    .update('\n--\n')
    .update(NEGATIVE_PROMPT)
    .digest('hex');
  return { prompt, negativePrompt: NEGATIVE_PROMPT, hash };
}
