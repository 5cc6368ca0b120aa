import { z } from 'zod';

/** One weekly story entry of a content strategy: the raw material a run turns into a post. */
export const StoryEntrySchema = z
  .object({
    title: z.string().trim().min(1).max(200),
    topic: z.string().trim().max(500).optional(),
    body: z.string().trim().min(1, 'the story must not be empty').max(20_000),
    shape: z.string().trim().max(100).optional(),
  })
  .strict();

export type StoryEntry = z.infer<typeof StoryEntrySchema>;
