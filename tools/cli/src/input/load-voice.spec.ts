import { parseVoice } from './load-voice';

describe('parseVoice', () => {
  it('maps the YAML field names to the voice profile', () => {
    const voice = parseVoice(
      'name: Dana\ntone: [candid, warm]\nsignature_phrases:\n  - receipts, not promises\navoid: [synergy]\nstyle_rules: Short paragraphs.\n',
      'voice.yaml',
    );
    expect(voice).toEqual({
      name: 'Dana',
      tone: ['candid', 'warm'],
      signaturePhrases: ['receipts, not promises'],
      avoid: ['synergy'],
      examples: [],
      styleRules: ['Short paragraphs.'],
    });
  });

  it('names every wrong field at once, in the YAML spelling', () => {
    expect(() => parseVoice('tone: 3\nsignature_phrases: [1]\ncolour: blue\n', 'v.yaml')).toThrow(
      [
        'the voice profile v.yaml is invalid:',
        '  colour: unknown field (expected one of name, tone, signature_phrases, avoid, examples, style_rules)',
        '  name: Invalid input: expected string, received undefined',
        '  tone: Invalid input: expected array, received number',
        '  signature_phrases.[0]: Invalid input: expected string, received number',
      ].join('\n'),
    );
  });

  it('says when the file is not YAML at all', () => {
    expect(() => parseVoice('name: [unclosed', 'bad.yaml')).toThrow(
      /^the voice profile bad.yaml is not valid YAML: /,
    );
  });

  it('says when the document is not a mapping', () => {
    expect(() => parseVoice('- a\n- b\n', 'list.yaml')).toThrow(
      'the voice profile list.yaml must be a YAML mapping with at least a name',
    );
  });
});
