/*
 * The users the load drives: each registered from an address of its own, with a strategy, a
 * chapter, a story entry (to start runs for) and a few posts with text (to list, open, edit and
 * find by semantic search). Only through the public API, as a person would set it up.
 */
import type { TokenPair } from '@postmagiq/contracts';
import { expectJson, httpFrom, loopback } from './http-from';

export interface SeededUser {
  email: string;
  password: string;
  storyEntryId: string;
  postIds: string[];
}

const POSTS = [
  'We cut the backlog in half and shipped more. Focus is a decision about what not to do.',
  'Hiring for curiosity beat hiring for experience on our team, and the feedback loop proved it.',
  'Leadership is mostly priorities said out loud, then kept when it is inconvenient.',
];

/**
 * Seeds `count` users named `<prefix>-<n>`, `parallel` at a time, from addresses in `block`; with
 * `withContent: false` only their accounts (the limit probes count every request of their user).
 */
export async function seedUsers(
  baseUrl: string,
  prefix: string,
  count: number,
  block: string,
  { parallel = 6, withContent = true }: { parallel?: number; withContent?: boolean } = {},
): Promise<SeededUser[]> {
  const out: SeededUser[] = new Array<SeededUser>(count);
  let next = 0;
  const one = async (n: number): Promise<SeededUser> => {
    const from = loopback(block, n);
    const email = `${prefix}-${n}@load.example.com`;
    const password = `load password ${n} correct horse`;
    const api = <T>(method: string, path: string, body: unknown, status: number, token?: string) =>
      expectJson<T>(
        httpFrom(from, `${baseUrl}/api${path}`, method, { body, token }),
        status,
        `${method} ${path}`,
      );
    const tokens = await api<TokenPair>(
      'POST',
      '/auth/register',
      { email, password, name: `Load ${n}` },
      201,
    );
    const t = tokens.accessToken;
    if (!withContent) return { email, password, storyEntryId: '', postIds: [] };
    const strategy = await api<{ id: string }>(
      'POST',
      '/strategies',
      { name: 'Engineering leadership', thesis: 'Less, but better' },
      201,
      t,
    );
    const chapter = await api<{ id: string }>(
      'POST',
      `/strategies/${strategy.id}/chapters`,
      { theme: 'Focus' },
      201,
      t,
    );
    const entry = await api<{ id: string }>(
      'POST',
      `/chapters/${chapter.id}/story-entries`,
      {
        title: 'Cutting the backlog',
        topic: 'Focus',
        storySource: 'We deleted half of the backlog and nobody missed it.',
      },
      201,
      t,
    );
    const postIds: string[] = [];
    for (const [i, content] of POSTS.entries())
      postIds.push(
        (await api<{ id: string }>('POST', '/posts', { title: `Post ${i + 1}`, content }, 201, t))
          .id,
      );
    return { email, password, storyEntryId: entry.id, postIds };
  };
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      for (let n = next++; n < count; n = next++) out[n] = await one(n);
    }),
  );
  return out;
}
