import { z } from 'zod';
import { TimestampsSchema } from './page.dto';

const name = z.string().trim().min(1, 'must not be empty').max(120);
const text = (max: number) => z.string().trim().max(max);
const list = (max: number, each = 200) => z.array(z.string().trim().min(1).max(each)).max(max);
const ref = z.string().uuid().nullable();

/** Sentiment: the emotional register of an image (colours and mood). */
export const SentimentFields = {
  name,
  description: text(1000).default(''),
  strategyId: ref.default(null),
  colorScheme: list(12, 60).default([]),
  mood: text(200).default(''),
};
export const CreateSentimentRequestSchema = z.strictObject(SentimentFields);
export type CreateSentimentRequest = z.infer<typeof CreateSentimentRequestSchema>;
export const UpdateSentimentRequestSchema = z
  .strictObject({
    name,
    description: text(1000),
    strategyId: ref,
    colorScheme: list(12, 60),
    mood: text(200),
  })
  .partial();
export type UpdateSentimentRequest = z.infer<typeof UpdateSentimentRequestSchema>;
export const SentimentSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string(),
    strategyId: z.string().uuid().nullable(),
    colorScheme: z.array(z.string()),
    mood: z.string(),
  })
  .extend(TimestampsSchema.shape);
export type Sentiment = z.infer<typeof SentimentSchema>;

/** Character: who appears in the images (drafted by hand or from a photo). */
export const CreateCharacterRequestSchema = z.strictObject({
  name,
  description: text(2000).default(''),
  appearance: text(2000).default(''),
  personality: text(2000).default(''),
});
export type CreateCharacterRequest = z.infer<typeof CreateCharacterRequestSchema>;
export const UpdateCharacterRequestSchema = z
  .strictObject({ name, description: text(2000), appearance: text(2000), personality: text(2000) })
  .partial();
export type UpdateCharacterRequest = z.infer<typeof UpdateCharacterRequestSchema>;
export const CharacterSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string(),
    appearance: z.string(),
    personality: z.string(),
  })
  .extend(TimestampsSchema.shape);
export type Character = z.infer<typeof CharacterSchema>;

export const IMAGE_MIME_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;

/** `POST /characters/draft-from-photo`: the photo, base64 (≤ 700 KB decoded: bodies are ≤ 1 MB). */
export const DraftCharacterFromPhotoRequestSchema = z.strictObject({
  mimeType: z.enum(IMAGE_MIME_TYPES),
  imageBase64: z
    .string()
    .min(16, 'is not an image')
    .max(960_000, 'image is too large (max 700 KB)')
    .regex(/^[A-Za-z0-9+/]+={0,2}$/, 'must be base64'),
  /** A hint for the name (e.g. the person's first name). */
  name: text(120).optional(),
});
export type DraftCharacterFromPhotoRequest = z.infer<typeof DraftCharacterFromPhotoRequestSchema>;

/** A character drafted from a photo: not saved, for the user to edit and then create. */
export const CharacterDraftSchema = z.object({
  draft: CreateCharacterRequestSchema,
  /** `simulated` when no GEMINI_API_KEY is set: a deterministic stand-in, clearly not a model's reading. */
  backend: z.enum(['gemini', 'simulated']),
  model: z.string(),
});
export type CharacterDraft = z.infer<typeof CharacterDraftSchema>;

/** Scene: where the image takes place. */
export const CreateSceneRequestSchema = z.strictObject({
  name,
  description: text(2000).default(''),
  sentimentId: ref.default(null),
  /** Set elements described in words (a whiteboard, a rainy window…). */
  props: list(30).default([]),
});
export type CreateSceneRequest = z.infer<typeof CreateSceneRequestSchema>;
export const UpdateSceneRequestSchema = z
  .strictObject({ name, description: text(2000), sentimentId: ref, props: list(30) })
  .partial();
export type UpdateSceneRequest = z.infer<typeof UpdateSceneRequestSchema>;
export const SceneSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string(),
    sentimentId: z.string().uuid().nullable(),
    props: z.array(z.string()),
  })
  .extend(TimestampsSchema.shape);
export type Scene = z.infer<typeof SceneSchema>;

export const CameraAngleSchema = z.enum([
  'eye-level',
  'high-angle',
  'low-angle',
  'overhead',
  'close-up',
  'medium-shot',
  'wide-shot',
  'over-the-shoulder',
  'dutch-angle',
]);
export type CameraAngle = z.infer<typeof CameraAngleSchema>;

/** Pose: what the character does, and from where the camera sees it. */
export const CreatePoseRequestSchema = z.strictObject({
  name,
  description: text(2000).default(''),
  sentimentId: ref.default(null),
  cameraAngle: CameraAngleSchema.default('eye-level'),
});
export type CreatePoseRequest = z.infer<typeof CreatePoseRequestSchema>;
export const UpdatePoseRequestSchema = z
  .strictObject({ name, description: text(2000), sentimentId: ref, cameraAngle: CameraAngleSchema })
  .partial();
export type UpdatePoseRequest = z.infer<typeof UpdatePoseRequestSchema>;
export const PoseSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string(),
    sentimentId: z.string().uuid().nullable(),
    cameraAngle: CameraAngleSchema,
  })
  .extend(TimestampsSchema.shape);
export type Pose = z.infer<typeof PoseSchema>;

/** Outfit: the parts of what the character wears. */
export const CreateOutfitRequestSchema = z.strictObject({
  name,
  parts: list(20).min(1, 'an outfit has at least one part'),
  sentimentId: ref.default(null),
});
export type CreateOutfitRequest = z.infer<typeof CreateOutfitRequestSchema>;
export const UpdateOutfitRequestSchema = z
  .strictObject({
    name,
    parts: list(20).min(1, 'an outfit has at least one part'),
    sentimentId: ref,
  })
  .partial();
export type UpdateOutfitRequest = z.infer<typeof UpdateOutfitRequestSchema>;
export const OutfitSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    parts: z.array(z.string()),
    sentimentId: z.string().uuid().nullable(),
  })
  .extend(TimestampsSchema.shape);
export type Outfit = z.infer<typeof OutfitSchema>;

/** Prop: an object that can be placed in an image. */
export const CreatePropRequestSchema = z.strictObject({
  name,
  category: z.string().trim().min(1, 'must not be empty').max(60),
  description: text(1000).default(''),
});
export type CreatePropRequest = z.infer<typeof CreatePropRequestSchema>;
export const UpdatePropRequestSchema = z
  .strictObject({
    name,
    category: z.string().trim().min(1, 'must not be empty').max(60),
    description: text(1000),
  })
  .partial();
export type UpdatePropRequest = z.infer<typeof UpdatePropRequestSchema>;
export const PropSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    category: z.string(),
    description: z.string(),
  })
  .extend(TimestampsSchema.shape);
export type Prop = z.infer<typeof PropSchema>;

export const ImageAspectSchema = z.enum(['1:1', '4:5', '1.91:1', '16:9', '9:16']);
export type ImageAspect = z.infer<typeof ImageAspectSchema>;

/**
 * An image prompt composed from one character, scene, pose, outfit and sentiment plus props.
 * The same parts always give the same text (`/image-prompts/preview` shows it without saving).
 */
export const ComposeImagePromptRequestSchema = z.strictObject({
  characterId: z.string().uuid(),
  sceneId: z.string().uuid(),
  poseId: z.string().uuid(),
  outfitId: z.string().uuid(),
  sentimentId: z.string().uuid(),
  propIds: z.array(z.string().uuid()).max(10).default([]),
  aspect: ImageAspectSchema.default('1:1'),
  /** Free text appended as the last line (style, medium…). */
  extra: text(1000).default(''),
});
export type ComposeImagePromptRequest = z.infer<typeof ComposeImagePromptRequestSchema>;

export const CreateImagePromptRequestSchema = ComposeImagePromptRequestSchema.extend({
  name,
  postId: ref.default(null),
}).strict();
export type CreateImagePromptRequest = z.infer<typeof CreateImagePromptRequestSchema>;

/** Changing any part or the extra text composes the prompt again. */
export const UpdateImagePromptRequestSchema = z
  .strictObject({
    name,
    postId: ref,
    characterId: z.string().uuid(),
    sceneId: z.string().uuid(),
    poseId: z.string().uuid(),
    outfitId: z.string().uuid(),
    sentimentId: z.string().uuid(),
    propIds: z.array(z.string().uuid()).max(10),
    aspect: ImageAspectSchema,
    extra: text(1000),
  })
  .partial();
export type UpdateImagePromptRequest = z.infer<typeof UpdateImagePromptRequestSchema>;

export const ImagePromptPreviewSchema = z.object({
  prompt: z.string(),
  negativePrompt: z.string(),
  /** SHA-256 of the prompt: equal parts, equal hash. */
  hash: z.string(),
});
export type ImagePromptPreview = z.infer<typeof ImagePromptPreviewSchema>;

export const ImagePromptSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    postId: z.string().uuid().nullable(),
    characterId: z.string().uuid().nullable(),
    sceneId: z.string().uuid().nullable(),
    poseId: z.string().uuid().nullable(),
    outfitId: z.string().uuid().nullable(),
    sentimentId: z.string().uuid().nullable(),
    propIds: z.array(z.string().uuid()),
    aspect: ImageAspectSchema,
    extra: z.string(),
    /** The text as composed when saved (later edits of the parts do not rewrite it). */
    prompt: z.string(),
    negativePrompt: z.string(),
    hash: z.string(),
  })
  .extend(TimestampsSchema.shape);
export type ImagePrompt = z.infer<typeof ImagePromptSchema>;
