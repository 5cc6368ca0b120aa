import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { unknownPlaceholders } from './placeholders';

/** Layer 1 and the layer-3 persona templates, as read from `prompts/`. */
export interface PromptLibrary {
  readonly universalRules: string;
  readonly personas: ReadonlyMap<string, string>;
}

export const UNIVERSAL_RULES_FILE = 'universal_rules.md';

/**
 * Reads `universal_rules.md` and every other `*.md` as a persona named after its file. A template
 * with an unknown placeholder stops the load: it would otherwise reach a model half-rendered.
 */
export function loadPromptLibrary(dir: string): PromptLibrary {
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith('.md'));
  } catch (error) {
    throw new Error(`cannot read the prompt templates folder ${dir}: ${(error as Error).message}`);
  }
  if (!files.includes(UNIVERSAL_RULES_FILE)) {
    throw new Error(
      `${join(dir, UNIVERSAL_RULES_FILE)} is missing: the universal rules are layer 1 of every prompt`,
    );
  }
  const personas = new Map<string, string>();
  for (const file of files.filter((f) => f !== UNIVERSAL_RULES_FILE).sort()) {
    const template = readFileSync(join(dir, file), 'utf8').trim();
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) {
      throw new Error(
        `${join(dir, file)}: unknown placeholder(s) ${unknown.map((p) => `{{${p}}}`).join(', ')}`,
      );
    }
    personas.set(basename(file, '.md'), template);
  }
  return {
    universalRules: readFileSync(join(dir, UNIVERSAL_RULES_FILE), 'utf8').trim(),
    personas,
  };
}

/** The library with some personas replaced, e.g. by a workspace's own templates. */
export function withPersonaOverrides(
  library: PromptLibrary,
  overrides: Readonly<Record<string, string>>,
): PromptLibrary {
  const personas = new Map(library.personas);
  for (const [name, template] of Object.entries(overrides)) {
    const unknown = unknownPlaceholders(template);
    if (unknown.length > 0) {
      throw new Error(
        `persona ${name}: unknown placeholder(s) ${unknown.map((p) => `{{${p}}}`).join(', ')}`,
      );
    }
    personas.set(name, template.trim());
  }
  return { universalRules: library.universalRules, personas };
}
