/**
 * Persona templates may use `{{name}}` placeholders. The set is closed so a per-workspace override
 * with a typo is rejected when it is saved, not silently rendered with a hole at run time.
 */
export const KNOWN_PLACEHOLDERS = [
  'voice_name',
  'story_title',
  'story_topic',
  'draft_count',
  'visit',
  'state',
  'agent',
  'word_min',
  'word_max',
] as const;

export type Placeholder = (typeof KNOWN_PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_.-]*)\s*\}\}/g;

/** Every placeholder a template uses, in order of first appearance. */
export function findPlaceholders(template: string): string[] {
  const seen = new Set<string>();
  for (const match of template.matchAll(PLACEHOLDER)) seen.add(match[1] ?? '');
  return [...seen];
}

/** The placeholders of a template that do not exist (empty when the template is valid). */
export function unknownPlaceholders(template: string): string[] {
  const known = new Set<string>(KNOWN_PLACEHOLDERS);
  return findPlaceholders(template).filter((name) => !known.has(name));
}

export function renderTemplate(template: string, values: PlaceholderValues): string {
  return template.replace(PLACEHOLDER, (whole, name: string) =>
    name in values ? values[name as Placeholder] : whole,
  );
}
