import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintPost } from '../lint/lint-post';
import { unknownPlaceholders } from './placeholders';
import { loadPromptLibrary, withPersonaOverrides } from './prompt-library';

const PROMPTS = join(__dirname, '../../../../prompts');

describe('the prompt library', () => {
  const library = loadPromptLibrary(PROMPTS);

  it('ships the personas the default workflow uses', () => {
    expect([...library.personas.keys()]).toEqual(
      expect.arrayContaining(['writer', 'reviser', 'auditor', 'synthesizer', 'orchestrator']),
    );
  });

  it('keeps the universal rules to 250-400 words of prose without bullets or headers', () => {
    const findings = lintPost(library.universalRules, {
      rules: { hookMaxChars: 10_000, maxHashtags: 0, maxParagraphWords: 200 },
    });
    expect(findings).toEqual([]);
  });

  it('refuses a folder without universal rules, naming the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'writer.md'), 'Write.');
    expect(() => loadPromptLibrary(dir)).toThrow(`${join(dir, 'universal_rules.md')} is missing`);
  });

  it('refuses a template with an unknown placeholder, naming file and placeholder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'prompts-'));
    writeFileSync(join(dir, 'universal_rules.md'), 'Rules.');
    writeFileSync(join(dir, 'writer.md'), 'Write for {{voice_name}} about {{storyy}}.');
    expect(() => loadPromptLibrary(dir)).toThrow(
      `${join(dir, 'writer.md')}: unknown placeholder(s) {{storyy}}`,
    );
  });

  it('lets a workspace override a persona, validating its placeholders', () => {
    const overridden = withPersonaOverrides(library, { writer: 'Write as {{voice_name}}.' });
    expect(overridden.personas.get('writer')).toBe('Write as {{voice_name}}.');
    expect(library.personas.get('writer')).not.toBe('Write as {{voice_name}}.');
    expect(() => withPersonaOverrides(library, { writer: '{{nope}}' })).toThrow(
      'persona writer: unknown placeholder(s) {{nope}}',
    );
  });

  it('finds unknown placeholders however they are spaced', () => {
    expect(unknownPlaceholders('{{ voice_name }} {{bad}} {{ worse }}')).toEqual(['bad', 'worse']);
  });
});
