import { z } from 'zod';

/** A workspace's voice: layer 2 of prompt composition, and the yardstick of the post lint. */
export const VoiceProfileSchema = z
  .object({
    name: z.string().trim().min(1, 'name must not be empty').max(120),
    tone: z.array(z.string().trim().min(1)).max(20).default([]),
    signaturePhrases: z.array(z.string().trim().min(1)).max(50).default([]),
    avoid: z.array(z.string().trim().min(1)).max(100).default([]),
    examples: z.array(z.string().trim().min(1)).max(20).default([]),
    styleRules: z.array(z.string().trim().min(1)).max(50).default([]),
  })
  .strict();

export type VoiceProfile = z.infer<typeof VoiceProfileSchema>;

/** The voice used when a workspace (or a CLI run) has not described one. */
export const DEFAULT_VOICE_PROFILE: VoiceProfile = {
  name: 'Default professional voice',
  tone: ['clear', 'warm', 'specific'],
  signaturePhrases: [],
  avoid: ['game-changer', 'synergy', 'in today’s fast-paced world', 'unlock your potential'],
  examples: [],
  styleRules: [],
};
