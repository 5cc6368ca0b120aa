import { z } from 'zod';
import { StoryEntrySchema } from '../story-entry.schema';
import { VoiceProfileSchema } from '../voice-profile.schema';

/** NATS request/reply: everything a run needs from content, in one reply. */
export const CONTENT_RUN_CONTEXT_SUBJECT = 'content.run-context.get';

export const RunContextRequestSchema = z
  .object({
    workspaceId: z.string().uuid(),
    storyEntryId: z.string().uuid(),
    /** A voice profile other than the workspace's default, if the run asks for one. */
    voiceProfileId: z.string().uuid().optional(),
  })
  .strict();
export type RunContextRequest = z.infer<typeof RunContextRequestSchema>;

/** Measured style of a voice (from its example posts), used to say how far a draft sits from it. */
export const VoiceCalibrationSchema = z
  .object({
    sampleCount: z.number().int().nonnegative(),
    avgSentenceWords: z.number().nonnegative(),
    avgParagraphSentences: z.number().nonnegative(),
    avgHookChars: z.number().nonnegative(),
    questionRate: z.number().min(0).max(1),
    firstPersonRate: z.number().min(0).max(1),
    emojiPerPost: z.number().nonnegative(),
    hashtagsPerPost: z.number().nonnegative(),
    readingGrade: z.number(),
  })
  .strict();
export type VoiceCalibration = z.infer<typeof VoiceCalibrationSchema>;

export const RunContextReplySchema = z
  .object({
    storyEntryId: z.string().uuid(),
    story: StoryEntrySchema,
    voiceProfileId: z.string().uuid().nullable(),
    voice: VoiceProfileSchema,
    calibration: VoiceCalibrationSchema.nullable(),
    personaOverrides: z.record(z.string(), z.string()),
    segment: z
      .object({ id: z.string().uuid(), name: z.string(), description: z.string() })
      .nullable(),
  })
  .strict();
export type RunContextReply = z.infer<typeof RunContextReplySchema>;
