import { z } from 'zod';
import { TimestampsSchema } from './page.dto';

/**
 * A workspace's own persona template, overriding `prompts/<name>.md` (or adding a persona).
 * Placeholders `{{…}}` must be among the known ones; the service checks that on every write.
 */
export const PersonaNameSchema = z
  .string()
  .trim()
  .regex(
    /^[a-z][a-z0-9_-]{0,63}$/,
    'must be lowercase letters, digits, _ or - (like writer, auditor)',
  );

export const CreatePersonaRequestSchema = z.strictObject({
  name: PersonaNameSchema,
  description: z.string().trim().max(500).default(''),
  template: z.string().trim().min(1, 'must not be empty').max(20_000),
});
export type CreatePersonaRequest = z.infer<typeof CreatePersonaRequestSchema>;

export const UpdatePersonaRequestSchema = z
  .strictObject({
    description: z.string().trim().max(500),
    template: z.string().trim().min(1, 'must not be empty').max(20_000),
  })
  .partial();
export type UpdatePersonaRequest = z.infer<typeof UpdatePersonaRequestSchema>;

export const PersonaSchema = z
  .object({
    id: z.string().uuid(),
    name: z.string(),
    description: z.string(),
    template: z.string(),
    placeholders: z.array(z.string()),
    /** Whether it replaces a built-in template of `prompts/`. */
    overridesDefault: z.boolean(),
  })
  .extend(TimestampsSchema.shape);
export type Persona = z.infer<typeof PersonaSchema>;

/** A built-in template from `prompts/`, for the console to show what an override replaces. */
export const DefaultPersonaSchema = z.object({
  name: z.string(),
  template: z.string(),
  placeholders: z.array(z.string()),
  overridden: z.boolean(),
});
export type DefaultPersona = z.infer<typeof DefaultPersonaSchema>;

export const PersonaDefaultsSchema = z.object({
  knownPlaceholders: z.array(z.string()),
  personas: z.array(DefaultPersonaSchema),
});
export type PersonaDefaults = z.infer<typeof PersonaDefaultsSchema>;
