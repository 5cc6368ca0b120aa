import { z } from 'zod';
import { LintFindingSchema } from '../lint-finding.schema';
import { TimestampsSchema } from './page.dto';
import { VoiceDistanceSchema } from './voice-profile.dto';
import { INT4_MAX } from '../db-limits';

/** Lifecycle of a post; `POST_TRANSITIONS` lists the only moves allowed. */
export const PostStatusSchema = z.enum(['draft', 'in_review', 'approved', 'published', 'archived']);
export type PostStatus = z.infer<typeof PostStatusSchema>;

export const POST_TRANSITIONS: Readonly<Record<PostStatus, readonly PostStatus[]>> = {
  draft: ['in_review', 'archived'],
  in_review: ['draft', 'approved', 'archived'],
  approved: ['draft', 'published', 'archived'],
  published: ['archived'],
  archived: [],
};

/** Statuses whose content can still be edited (a new version); later ones are frozen. */
export const EDITABLE_POST_STATUSES: readonly PostStatus[] = ['draft', 'in_review'];

export const PostPlatformSchema = z.enum(['linkedin', 'x', 'threads', 'blog', 'newsletter']);
export type PostPlatform = z.infer<typeof PostPlatformSchema>;

/** What produced a version: a person editing, or a workflow run. */
export const PostVersionSourceSchema = z.enum(['human', 'workflow']);
export type PostVersionSource = z.infer<typeof PostVersionSourceSchema>;

const content = z.string().max(20_000);

/** By hand, or from a story entry (title and voice defaulted from it). */
export const CreatePostRequestSchema = z.strictObject({
  storyEntryId: z.string().uuid().nullable().default(null),
  voiceProfileId: z.string().uuid().nullable().default(null),
  /** Required unless the post comes from a story entry (whose title or topic is then used). */
  title: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  /** The first version; omitted or empty: the post starts without one. */
  content: content.default(''),
  platform: PostPlatformSchema.default('linkedin'),
});
export type CreatePostRequest = z.infer<typeof CreatePostRequestSchema>;

/** A changed `content` is stored as a new version (only while draft or in review). */
export const UpdatePostRequestSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'must not be empty').max(200),
    content: content.min(1, 'must not be empty'),
    voiceProfileId: z.string().uuid().nullable(),
    platform: PostPlatformSchema,
    /** Why this version exists (shown in the version history). */
    note: z.string().trim().max(500),
  })
  .partial();
export type UpdatePostRequest = z.infer<typeof UpdatePostRequestSchema>;

export const TransitionPostRequestSchema = z.strictObject({ to: PostStatusSchema });
export type TransitionPostRequest = z.infer<typeof TransitionPostRequestSchema>;

export const PostSchema = z
  .object({
    id: z.string().uuid(),
    title: z.string(),
    content: z.string(),
    status: PostStatusSchema,
    platform: PostPlatformSchema,
    storyEntryId: z.string().uuid().nullable(),
    voiceProfileId: z.string().uuid().nullable(),
    /** Number of the current version (0 while there is none). */
    currentVersion: z.number().int().nonnegative(),
    wordCount: z.number().int().nonnegative(),
    publishedAt: z.string().nullable(),
  })
  .extend(TimestampsSchema.shape);
export type Post = z.infer<typeof PostSchema>;

export const PostVersionSchema = z.object({
  id: z.string().uuid(),
  postId: z.string().uuid(),
  number: z.number().int().positive(),
  content: z.string(),
  source: PostVersionSourceSchema,
  /** The user who wrote it (human), or who started the run (workflow), when known. */
  createdBy: z.string().nullable(),
  runId: z.string().uuid().nullable(),
  workflow: z.string().nullable(),
  note: z.string(),
  createdAt: z.string(),
});
export type PostVersion = z.infer<typeof PostVersionSchema>;

/** Statuses the finished-post library holds. */
export const FINISHED_POST_STATUSES: readonly PostStatus[] = ['approved', 'published', 'archived'];

export const FinishedPostsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
  /** Full-text search over title and content (web-search syntax: words, "phrases", -excluded). */
  q: z.string().trim().max(200).optional(),
  status: z.enum(['approved', 'published', 'archived']).optional(),
  platform: PostPlatformSchema.optional(),
  storyEntryId: z.string().uuid().optional(),
  strategyId: z.string().uuid().optional(),
  /** Published (or, if never, last updated) on or after / before these dates. */
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});
export type FinishedPostsQuery = z.infer<typeof FinishedPostsQuerySchema>;

export const PostListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
  status: PostStatusSchema.optional(),
  storyEntryId: z.string().uuid().optional(),
});
export type PostListQuery = z.infer<typeof PostListQuerySchema>;

export const FinishedPostSchema = PostSchema.extend({
  /** Full-text rank when `q` was given, else null. */
  rank: z.number().nullable(),
  /** The matching passage with `<<` `>>` around the hits when `q` was given. */
  headline: z.string().nullable(),
});
export type FinishedPost = z.infer<typeof FinishedPostSchema>;

export const SimilarPostsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(50).default(5),
});
export type SimilarPostsQuery = z.infer<typeof SimilarPostsQuerySchema>;

export const SimilarPostSchema = z.object({
  post: z.object({ id: z.string().uuid(), title: z.string(), status: PostStatusSchema }),
  /** Cosine similarity of the closest chunks, 1 = the same text; null when undefined (see SearchHit). */
  similarity: z.number().nullable(),
  chunkText: z.string(),
});
export type SimilarPost = z.infer<typeof SimilarPostSchema>;

/** `GET /posts/:id/lint`: the deterministic quality gates, and the distance from the post's voice. */
export const PostLintSchema = z.object({
  findings: z.array(LintFindingSchema),
  errors: z.number().int().nonnegative(),
  /** Null when the post has no voice profile, or its voice has no calibration yet. */
  voice: VoiceDistanceSchema.nullable(),
});
export type PostLint = z.infer<typeof PostLintSchema>;
