import { z } from 'zod';

/**
 * An instant given as ISO 8601 with any offset (a query's `from`/`to`), normalised to UTC. ISO
 * allows offsets up to ±23:59 while Postgres refuses any beyond ±15:59 (Schemathesis found the
 * 500), so what reaches SQL is always a `Z` instant.
 */
export const InstantSchema = z.iso.datetime({ offset: true }).transform((text, ctx) => {
  const at = new Date(text);
  if (Number.isNaN(at.getTime())) {
    ctx.addIssue({ code: 'custom', message: 'must be an ISO 8601 instant' });
    return z.NEVER;
  }
  return at.toISOString();
});
