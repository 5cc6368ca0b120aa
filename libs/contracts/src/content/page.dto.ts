import { z } from 'zod';
import { INT4_MAX } from '../db-limits';

/** `?limit=&offset=` of every content list (newest or natural order first, see each route). */
export const ContentPageQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(INT4_MAX).default(0),
});
export type ContentPageQuery = z.infer<typeof ContentPageQuerySchema>;

/** One page of a list: the items, and how many there are in all. */
export function pageSchema<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().nonnegative(),
    limit: z.number().int().positive(),
    offset: z.number().int().nonnegative(),
  });
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** Timestamps every content resource answers with (ISO 8601). */
export const TimestampsSchema = z.object({
  createdAt: z.string(),
  updatedAt: z.string(),
});

/** A free-form JSON object (descriptive attributes such as demographics). */
export const JsonObjectSchema = z.record(z.string().max(100), z.unknown());
