import type { VoiceProfile } from '@postmagiq/contracts';

/** Layer 2: the voice profile as the model reads it. Stable for a run, so it is cacheable. */
export function renderVoiceLayer(voice: VoiceProfile): string {
  const sections = [`Voice: ${voice.name}`];
  if (voice.tone.length > 0) sections.push(`Tone: ${voice.tone.join(', ')}.`);
  if (voice.signaturePhrases.length > 0) {
    sections.push(
      `Signature phrases the author really uses (work one in when it fits naturally, never force it):\n${quoteEach(voice.signaturePhrases)}`,
    );
  }
  if (voice.avoid.length > 0) {
    sections.push(`Never use these words or phrases:\n${quoteEach(voice.avoid)}`);
  }
  if (voice.styleRules.length > 0) {
    sections.push(
      `Style rules of this author:\n${voice.styleRules.map((rule) => `- ${rule}`).join('\n')}`,
    );
  }
  voice.examples.forEach((example, index) => {
    sections.push(`Example post ${index + 1} by this author:\n"""\n${example}\n"""`);
  });
  return sections.join('\n\n');
}

function quoteEach(items: readonly string[]): string {
  return items.map((item) => `- "${item}"`).join('\n');
}
