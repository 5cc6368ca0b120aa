import { InstantSchema } from './instant.schema';
import { SemanticSearchQuerySchema } from './content/intelligence.dto';

describe('InstantSchema (a query instant)', () => {
  it('normalises any ISO offset to UTC, so Postgres never sees an offset beyond ±15:59', () => {
    expect(InstantSchema.parse('0761-11-10T05:48:49+23:41')).toBe('0761-11-09T06:07:49.000Z');
    expect(InstantSchema.parse('2026-12-02T18:00:00+01:00')).toBe('2026-12-02T17:00:00.000Z');
  });

  it('refuses what is not an ISO 8601 instant', () => {
    expect(InstantSchema.safeParse('yesterday').success).toBe(false);
    expect(InstantSchema.safeParse('2026-12-02').success).toBe(false);
  });
});

describe('the search query q', () => {
  it('needs a character that is not a space, as its documented pattern says', () => {
    const bad = SemanticSearchQuerySchema.safeParse({ q: '   ' });
    expect(bad.error?.issues[0]).toMatchObject({ path: ['q'], message: 'must not be empty' });
    expect(SemanticSearchQuerySchema.parse({ q: '  hook  ' }).q).toBe('hook');
  });
});
