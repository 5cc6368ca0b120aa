import { z } from 'zod';
import { VoiceProfileSchema } from '../voice-profile.schema';
import { TimestampsSchema } from './page.dto';
import { VoiceCalibrationSchema } from './run-context.schema';

/** A voice profile as the API stores it: layer 2 of prompts, optionally the workspace default. */
export const CreateVoiceProfileRequestSchema = VoiceProfileSchema.extend({
  /** The voice runs use when they name none; at most one per workspace. */
  isDefault: z.boolean().default(false),
}).strict();
export type CreateVoiceProfileRequest = z.infer<typeof CreateVoiceProfileRequestSchema>;

export const UpdateVoiceProfileRequestSchema = z
  .strictObject({
    name: VoiceProfileSchema.shape.name,
    tone: VoiceProfileSchema.shape.tone.unwrap(),
    signaturePhrases: VoiceProfileSchema.shape.signaturePhrases.unwrap(),
    avoid: VoiceProfileSchema.shape.avoid.unwrap(),
    examples: VoiceProfileSchema.shape.examples.unwrap(),
    styleRules: VoiceProfileSchema.shape.styleRules.unwrap(),
    isDefault: z.boolean(),
  })
  .partial();
export type UpdateVoiceProfileRequest = z.infer<typeof UpdateVoiceProfileRequestSchema>;

export const VoiceProfileDtoSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    tone: z.array(z.string()),
    signaturePhrases: z.array(z.string()),
    avoid: z.array(z.string()),
    examples: z.array(z.string()),
    styleRules: z.array(z.string()),
    isDefault: z.boolean(),
    /** Measured from `examples` whenever they change; null while there are none. */
    calibration: VoiceCalibrationSchema.nullable(),
    calibratedAt: z.string().nullable(),
  })
  .extend(TimestampsSchema.shape);
export type VoiceProfileDto = z.infer<typeof VoiceProfileDtoSchema>;

/** `POST /voice-profiles/:id/calibration/distance`: how far a draft sits from the voice. */
export const VoiceDistanceRequestSchema = z.strictObject({
  text: z.string().trim().min(1, 'text must not be empty').max(20_000),
});
export type VoiceDistanceRequest = z.infer<typeof VoiceDistanceRequestSchema>;

export const VoiceMetricSchema = z.enum([
  'avgSentenceWords',
  'avgParagraphSentences',
  'avgHookChars',
  'questionRate',
  'firstPersonRate',
  'emojiPerPost',
  'hashtagsPerPost',
  'readingGrade',
]);
export type VoiceMetric = z.infer<typeof VoiceMetricSchema>;

export const VoiceDistanceSchema = z.object({
  /** The draft measured as a one-post sample. */
  draft: VoiceCalibrationSchema,
  voice: VoiceCalibrationSchema,
  /** Per metric: draft − voice, and that difference relative to the metric's tolerance. */
  deltas: z.array(
    z.object({
      metric: VoiceMetricSchema,
      draft: z.number(),
      voice: z.number(),
      delta: z.number(),
      /** |delta| / tolerance: ≤ 1 is within the voice's range. */
      normalized: z.number().nonnegative(),
    }),
  ),
  /** Mean of the normalized deltas (0 = the voice itself). */
  distance: z.number().nonnegative(),
  /** Metrics whose normalized delta exceeds 1, largest first. */
  outliers: z.array(VoiceMetricSchema),
});
export type VoiceDistance = z.infer<typeof VoiceDistanceSchema>;
