import { DEFAULT_VOICE_PROFILE, VoiceProfileSchema, type VoiceProfile } from '@postmagiq/contracts';
import { parse as parseYaml } from 'yaml';
import { CliError } from '../cli-error';
import { readTextFile } from './read-text-file';

/** YAML field names (snake_case, as people write them) to the contract's names. */
const FIELDS: Record<string, keyof VoiceProfile> = {
  name: 'name',
  tone: 'tone',
  signature_phrases: 'signaturePhrases',
  avoid: 'avoid',
  examples: 'examples',
  style_rules: 'styleRules',
};

export function loadVoice(path: string | undefined): VoiceProfile {
  if (path === undefined) return DEFAULT_VOICE_PROFILE;
  return parseVoice(readTextFile(path, 'the voice profile'), path);
}

export function parseVoice(text: string, path: string): VoiceProfile {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new CliError(`the voice profile ${path} is not valid YAML: ${(error as Error).message}`);
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document)) {
    throw new CliError(`the voice profile ${path} must be a YAML mapping with at least a name`);
  }
  const problems: string[] = [];
  const mapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(document)) {
    const field = FIELDS[key];
    if (field === undefined) {
      problems.push(`${key}: unknown field (expected one of ${Object.keys(FIELDS).join(', ')})`);
      continue;
    }
    // A single string where a list is expected is almost always a one-item list.
    mapped[field] = field !== 'name' && typeof value === 'string' ? [value] : value;
  }
  const parsed = VoiceProfileSchema.safeParse(mapped);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const yamlPath = issue.path
        .map((p) => (typeof p === 'string' ? yamlName(p) : `[${String(p)}]`))
        .join('.');
      problems.push(`${yamlPath || 'profile'}: ${issue.message}`);
    }
  }
  if (problems.length > 0 || !parsed.success) {
    throw new CliError(
      `the voice profile ${path} is invalid:\n${problems.map((p) => `  ${p}`).join('\n')}`,
    );
  }
  return parsed.data;
}

function yamlName(field: string): string {
  return Object.entries(FIELDS).find(([, name]) => name === field)?.[0] ?? field;
}
