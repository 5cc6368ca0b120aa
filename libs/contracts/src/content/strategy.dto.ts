import { z } from 'zod';
import { TimestampsSchema } from './page.dto';
import { INT4_MAX } from '../db-limits';

const text = (max: number) => z.string().trim().max(max);
const name = (max = 200) => z.string().trim().min(1, 'must not be empty').max(max);

/** A content strategy: the thesis the workspace argues, and the enemy it argues against. */
export const CreateStrategyRequestSchema = z.strictObject({
  name: name(),
  thesis: text(2000).default(''),
  enemy: text(1000).default(''),
  /** Archived strategies keep their chapters but are skipped by "what is next". */
  archived: z.boolean().default(false),
});
export type CreateStrategyRequest = z.infer<typeof CreateStrategyRequestSchema>;

export const UpdateStrategyRequestSchema = z
  .strictObject({ name: name(), thesis: text(2000), enemy: text(1000), archived: z.boolean() })
  .partial();
export type UpdateStrategyRequest = z.infer<typeof UpdateStrategyRequestSchema>;

export const StrategySchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    thesis: z.string(),
    enemy: z.string(),
    archived: z.boolean(),
    chapterCount: z.number().int().nonnegative(),
  })
  .extend(TimestampsSchema.shape);
export type Strategy = z.infer<typeof StrategySchema>;

/**
 * A chapter of a strategy. `number` is its 1-based position: inserting at a number shifts the
 * chapters from there on, deleting closes the gap, so numbers always run 1..n.
 */
export const CreateChapterRequestSchema = z.strictObject({
  /** Omitted: appended after the last chapter. */
  number: z.number().int().min(1).max(INT4_MAX).optional(),
  title: text(200).default(''),
  theme: name(500),
  enemy: text(1000).default(''),
  weeks: z.number().int().min(1).max(52).default(4),
});
export type CreateChapterRequest = z.infer<typeof CreateChapterRequestSchema>;

export const UpdateChapterRequestSchema = z
  .strictObject({
    /** Moves the chapter to this position (the others shift to make room). */
    number: z.number().int().min(1).max(INT4_MAX),
    title: text(200),
    theme: name(500),
    enemy: text(1000),
    weeks: z.number().int().min(1).max(52),
  })
  .partial();
export type UpdateChapterRequest = z.infer<typeof UpdateChapterRequestSchema>;

export const ChapterSchema = z
  .object({
    id: z.string().uuid(),
    strategyId: z.string().uuid(),
    number: z.number().int(),
    title: z.string(),
    theme: z.string(),
    enemy: z.string(),
    weeks: z.number().int(),
    entryCount: z.number().int().nonnegative(),
  })
  .extend(TimestampsSchema.shape);
export type Chapter = z.infer<typeof ChapterSchema>;

/** `PUT …/order`: every id of the collection, in the new order; positions become 1..n. */
export const ReorderRequestSchema = z.strictObject({
  ids: z.array(z.string().uuid()).min(1).max(500),
});
export type ReorderRequest = z.infer<typeof ReorderRequestSchema>;

export const StoryEntryStatusSchema = z.enum([
  'planned',
  'drafting',
  'written',
  'published',
  'skipped',
]);
export type StoryEntryStatus = z.infer<typeof StoryEntryStatusSchema>;

export const StoryShapeSchema = z.enum([
  'full',
  'partial',
  'observation',
  'short',
  'reversal',
  'lesson',
  'other',
]);
export type StoryShape = z.infer<typeof StoryShapeSchema>;

/**
 * One week of a chapter: the raw material of a run. `weekNumber` is its 1-based position in the
 * chapter and is kept gapless like chapter numbers.
 */
export const CreateStoryEntryRequestSchema = z.strictObject({
  weekNumber: z.number().int().min(1).max(INT4_MAX).optional(),
  title: text(200).default(''),
  topic: name(500),
  /** The story itself (what happened, notes, a draft): the run's input. */
  storySource: text(20_000).default(''),
  shape: StoryShapeSchema.default('full'),
  cadence: text(100).default('weekly'),
  status: StoryEntryStatusSchema.default('planned'),
});
export type CreateStoryEntryRequest = z.infer<typeof CreateStoryEntryRequestSchema>;

export const UpdateStoryEntryRequestSchema = z
  .strictObject({
    weekNumber: z.number().int().min(1).max(INT4_MAX),
    title: text(200),
    topic: name(500),
    storySource: text(20_000),
    shape: StoryShapeSchema,
    cadence: text(100),
    status: StoryEntryStatusSchema,
  })
  .partial();
export type UpdateStoryEntryRequest = z.infer<typeof UpdateStoryEntryRequestSchema>;

export const StoryEntryDtoSchema = z
  .object({
    id: z.string().uuid(),
    chapterId: z.string().uuid(),
    strategyId: z.string().uuid(),
    weekNumber: z.number().int(),
    title: z.string(),
    topic: z.string(),
    storySource: z.string(),
    shape: StoryShapeSchema,
    cadence: z.string(),
    status: StoryEntryStatusSchema,
  })
  .extend(TimestampsSchema.shape);
export type StoryEntryDto = z.infer<typeof StoryEntryDtoSchema>;

/** `GET /story-entries/next`: the first planned entry of the workspace, with where it sits. */
export const NextStoryEntrySchema = z.object({
  entry: StoryEntryDtoSchema.nullable(),
  strategy: z.object({ id: z.string().uuid(), name: z.string() }).nullable(),
  chapter: z
    .object({ id: z.string().uuid(), number: z.number().int(), theme: z.string() })
    .nullable(),
  /** Planned entries left in the workspace, this one included. */
  remaining: z.number().int().nonnegative(),
});
export type NextStoryEntry = z.infer<typeof NextStoryEntrySchema>;

export const GoalStatusSchema = z.enum(['active', 'achieved', 'dropped']);
export type GoalStatus = z.infer<typeof GoalStatusSchema>;

/** A measurable goal of the workspace (e.g. 2 posts a week, 5,000 followers by June). */
export const CreateGoalRequestSchema = z.strictObject({
  strategyId: z.string().uuid().nullable().default(null),
  title: name(),
  metric: text(100).default(''),
  targetValue: z.number().finite().nullable().default(null),
  currentValue: z.number().finite().default(0),
  dueOn: z.iso.date().nullable().default(null),
  status: GoalStatusSchema.default('active'),
});
export type CreateGoalRequest = z.infer<typeof CreateGoalRequestSchema>;

export const UpdateGoalRequestSchema = z
  .strictObject({
    strategyId: z.string().uuid().nullable(),
    title: name(),
    metric: text(100),
    targetValue: z.number().finite().nullable(),
    currentValue: z.number().finite(),
    dueOn: z.iso.date().nullable(),
    status: GoalStatusSchema,
  })
  .partial();
export type UpdateGoalRequest = z.infer<typeof UpdateGoalRequestSchema>;

export const GoalSchema = z
  .object({
    id: z.string().uuid(),
    strategyId: z.string().uuid().nullable(),
    title: z.string(),
    metric: z.string(),
    targetValue: z.number().nullable(),
    currentValue: z.number(),
    dueOn: z.string().nullable(),
    status: GoalStatusSchema,
  })
  .extend(TimestampsSchema.shape);
export type Goal = z.infer<typeof GoalSchema>;
