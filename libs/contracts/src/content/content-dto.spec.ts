import {
  CreatePostRequestSchema,
  CreateVoiceProfileRequestSchema,
  SemanticSearchQuerySchema,
  UpdateImagePromptRequestSchema,
  UpdateStoryEntryRequestSchema,
  UpdateVoiceProfileRequestSchema,
  VoiceSpecSchema,
} from './index';

describe('content DTOs', () => {
  it('fill defaults on create but never on a partial update (an omitted field stays unchanged)', () => {
    expect(CreateVoiceProfileRequestSchema.parse({ name: 'Dana' })).toMatchObject({
      tone: [],
      examples: [],
      isDefault: false,
    });
    expect(UpdateVoiceProfileRequestSchema.parse({ name: 'Dana' })).toEqual({ name: 'Dana' });
    expect(UpdateStoryEntryRequestSchema.parse({ topic: 'x' })).toEqual({ topic: 'x' });
    expect(UpdateImagePromptRequestSchema.parse({ aspect: '16:9' })).toEqual({ aspect: '16:9' });
    expect(CreatePostRequestSchema.parse({ title: 'T' })).toEqual({
      title: 'T',
      storyEntryId: null,
      voiceProfileId: null,
      content: '',
      platform: 'linkedin',
    });
  });

  it('refuse unknown fields', () => {
    expect(UpdateVoiceProfileRequestSchema.safeParse({ signature_phrases: [] }).success).toBe(
      false,
    );
  });

  it('parse the search types list and name a wrong one', () => {
    expect(SemanticSearchQuerySchema.parse({ q: 'x', types: 'post, source' })).toEqual({
      q: 'x',
      types: ['post', 'source'],
      limit: 10,
    });
    expect(SemanticSearchQuerySchema.parse({ q: 'x' }).types).toBeUndefined();
    const bad = SemanticSearchQuerySchema.safeParse({ q: 'x', types: 'post,tweet' });
    expect(bad.error?.issues[0]).toMatchObject({
      path: ['types'],
      message: 'must be a comma-separated list of post, story_entry, source',
    });
  });

  it('check a voice spec word range', () => {
    expect(VoiceSpecSchema.safeParse({ targetWords: { min: 300, max: 200 } }).success).toBe(false);
    expect(VoiceSpecSchema.parse({})).toMatchObject({ formality: 3, targetWords: null });
  });
});
