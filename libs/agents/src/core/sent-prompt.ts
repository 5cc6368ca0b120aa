import { createHash } from 'node:crypto';

/**
 * The prompt of one vendor request, read off the request an adapter assembled: the system text as
 * sent (one entry per block: Claude sends the cached prefix and the persona as two blocks, the
 * other vendors one joined text), every turn in the order sent (the stored history of a continued
 * session, then the new user turn) and the model. The rest of a request (output cap, stream flags)
 * is not prompt.
 */
export interface SentPrompt {
  model: string;
  system: readonly string[];
  turns: readonly SentTurn[];
}

export interface SentTurn {
  /** Vendor role names mapped to ours (Gemini's `model` is `assistant`). */
  role: 'user' | 'assistant';
  content: string;
}

/**
 * sha256 of the exact prompt sent, recorded with every agent call for audit and reproduction. The
 * input is canonical JSON (fixed key order, strings escaped), so no two different prompts can
 * serialise alike the way joined text could; anyone holding the vendor's request body can
 * recompute it.
 */
export function hashSentPrompt(prompt: SentPrompt): string {
  const canonical = JSON.stringify({
    model: prompt.model,
    system: prompt.system,
    turns: prompt.turns.map(({ role, content }) => ({ role, content })),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
