import { z } from 'zod';
import { JsonObjectSchema, TimestampsSchema } from './page.dto';
import { INT4_MAX } from '../db-limits';

/** Kinds of material that are chunked, embedded and searchable. */
export const EmbeddingSourceTypeSchema = z.enum(['post', 'story_entry', 'source']);
export type EmbeddingSourceType = z.infer<typeof EmbeddingSourceTypeSchema>;

/** Reference material of the workspace (an article, notes, a transcript) for semantic search. */
export const CreateSourceRequestSchema = z.strictObject({
  title: z.string().trim().min(1, 'must not be empty').max(200),
  url: z
    .url({ protocol: /^https?$/ })
    .nullable()
    .default(null),
  text: z.string().trim().min(1, 'must not be empty').max(200_000),
});
export type CreateSourceRequest = z.infer<typeof CreateSourceRequestSchema>;

export const UpdateSourceRequestSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'must not be empty').max(200),
    url: z.url({ protocol: /^https?$/ }).nullable(),
    text: z.string().trim().min(1, 'must not be empty').max(200_000),
  })
  .partial();
export type UpdateSourceRequest = z.infer<typeof UpdateSourceRequestSchema>;

export const SourceSchema = z
  .object({
    id: z.string().uuid(),
    title: z.string(),
    url: z.string().nullable(),
    text: z.string(),
    chunkCount: z.number().int().nonnegative(),
  })
  .extend(TimestampsSchema.shape);
export type Source = z.infer<typeof SourceSchema>;

/** `GET /search?q=`: semantic search over the workspace's own material. */
/** Text with no control character and at least one character `String.prototype.trim` keeps. */
const NON_BLANK_SAFE_TEXT =
  // eslint-disable-next-line no-control-regex -- the control characters are what it refuses
  /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff\u0000-\u001f\u007f-\u009f][^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;

export const SemanticSearchQuerySchema = z.strictObject({
  // the pattern documents what the server decides: no control character (the platform's text
  // rule, which a field with its own pattern must spell out) and one character that trim() keeps
  q: z
    .string()
    .regex(NON_BLANK_SAFE_TEXT, 'must not be empty')
    .trim()
    .min(1, 'must not be empty')
    .max(2000),
  /** Comma-separated kinds to search (default: all). */
  types: z
    .string()
    // spaces around the kinds are allowed (they are trimmed); other whitespace is a control character
    .regex(
      /^[ \t]*$|^[ \t]*(post|story_entry|source)[ \t]*(,[ \t]*(post|story_entry|source)[ \t]*)*$/,
      {
        message: 'must be a comma-separated list of post, story_entry, source',
      },
    )
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v.trim() === '') return undefined;
      const parts = v.split(',').map((s) => s.trim());
      for (const p of parts) {
        if (!EmbeddingSourceTypeSchema.safeParse(p).success) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown type ${p} (post, story_entry, source)`,
          });
          return z.NEVER;
        }
      }
      return parts as EmbeddingSourceType[];
    }),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export type SemanticSearchQuery = z.infer<typeof SemanticSearchQuerySchema>;

export const SearchHitSchema = z.object({
  sourceType: EmbeddingSourceTypeSchema,
  sourceId: z.string().uuid(),
  chunkIndex: z.number().int().nonnegative(),
  chunkText: z.string(),
  /**
   * Cosine similarity, 1 = identical direction; null when either vector has no direction (a text
   * with no words embeds as all zeros, and its cosine is undefined).
   */
  similarity: z.number().nullable(),
  title: z.string(),
});
export type SearchHit = z.infer<typeof SearchHitSchema>;

export const SearchResultSchema = z.object({
  query: z.string(),
  provider: z.string(),
  model: z.string(),
  hits: z.array(SearchHitSchema),
});
export type SearchResult = z.infer<typeof SearchResultSchema>;

/** `POST /search/reindex`: re-embeds every item of the workspace (after a provider change). */
export const ReindexResultSchema = z.object({
  items: z.number().int().nonnegative(),
  chunks: z.number().int().nonnegative(),
});
export type ReindexResult = z.infer<typeof ReindexResultSchema>;

/** An audience the workspace writes for; one may be primary (the default of runs). */
export const CreateAudienceSegmentRequestSchema = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty').max(120),
  description: z.string().trim().max(2000).default(''),
  demographics: JsonObjectSchema.default({}),
  psychographics: JsonObjectSchema.default({}),
  isPrimary: z.boolean().default(false),
});
export type CreateAudienceSegmentRequest = z.infer<typeof CreateAudienceSegmentRequestSchema>;

export const UpdateAudienceSegmentRequestSchema = z
  .strictObject({
    name: z.string().trim().min(1, 'must not be empty').max(120),
    description: z.string().trim().max(2000),
    demographics: JsonObjectSchema,
    psychographics: JsonObjectSchema,
    isPrimary: z.boolean(),
  })
  .partial();
export type UpdateAudienceSegmentRequest = z.infer<typeof UpdateAudienceSegmentRequestSchema>;

export const AudienceSegmentSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string(),
    demographics: JsonObjectSchema,
    psychographics: JsonObjectSchema,
    isPrimary: z.boolean(),
  })
  .extend(TimestampsSchema.shape);
export type AudienceSegment = z.infer<typeof AudienceSegmentSchema>;

export const VoicePlatformSchema = z.enum(['linkedin', 'x', 'threads', 'blog', 'newsletter']);
export type VoicePlatform = z.infer<typeof VoicePlatformSchema>;

/** How a voice is adjusted for one segment on one platform. */
export const VoiceSpecSchema = z.strictObject({
  toneAdjustments: z.array(z.string().trim().min(1).max(200)).max(20).default([]),
  vocabulary: z.array(z.string().trim().min(1).max(100)).max(50).default([]),
  avoid: z.array(z.string().trim().min(1).max(200)).max(50).default([]),
  /** 1 casual … 5 formal. */
  formality: z.number().int().min(1).max(5).default(3),
  targetWords: z
    .strictObject({
      min: z.number().int().min(1).max(INT4_MAX),
      max: z.number().int().min(1).max(INT4_MAX),
    })
    .refine((r) => r.min <= r.max, { message: 'min must not exceed max' })
    .nullable()
    .default(null),
  notes: z.string().trim().max(2000).default(''),
});
export type VoiceSpec = z.infer<typeof VoiceSpecSchema>;

export const CreateCalibratedVoiceRequestSchema = z.strictObject({
  voiceProfileId: z.string().uuid(),
  segmentId: z.string().uuid(),
  platform: VoicePlatformSchema.default('linkedin'),
  voiceSpec: VoiceSpecSchema.default(VoiceSpecSchema.parse({})),
});
export type CreateCalibratedVoiceRequest = z.infer<typeof CreateCalibratedVoiceRequestSchema>;

export const UpdateCalibratedVoiceRequestSchema = z.strictObject({ voiceSpec: VoiceSpecSchema });
export type UpdateCalibratedVoiceRequest = z.infer<typeof UpdateCalibratedVoiceRequestSchema>;

export const CalibratedVoiceSchema = z
  .object({
    id: z.string().uuid(),
    voiceProfileId: z.string().uuid(),
    segmentId: z.string().uuid(),
    platform: VoicePlatformSchema,
    voiceSpec: VoiceSpecSchema,
  })
  .extend(TimestampsSchema.shape);
export type CalibratedVoice = z.infer<typeof CalibratedVoiceSchema>;
