/*
 * The rate limits, probed while the load runs: from an address no load user has, a burst of wrong
 * logins must get exactly the login limit of 401s and then 429s, and one signed-in user's burst of
 * reads exactly the per-user limit of 200s and then 429s — each 429 with Retry-After. The load's
 * own users stay under every limit and must see no 429 (the k6 mix counts any as unexpected).
 */
import type { TokenPair } from '@postmagiq/contracts';
import { expectJson, httpFrom, type Answer } from './http-from';
import type { SeededUser } from './seed';

export interface LimitProbe {
  what: string;
  limit: number;
  sent: number;
  /** answers with the status a request under the limit gets (401 for a wrong login, 200 for a read) */
  allowed: number;
  /** 429s */
  limited: number;
  /** what did not hold: counts off the limit, a 429 without Retry-After, any other status */
  wrong: string[];
  held: boolean;
}

function judge(what: string, limit: number, answers: Answer[], allowedStatus: number): LimitProbe {
  const wrong: string[] = [];
  let allowed = 0;
  let limited = 0;
  for (const a of answers) {
    if (a.status === 429) {
      limited++;
      if (!a.headers['retry-after']) wrong.push('a 429 without Retry-After');
    } else if (a.status === allowedStatus) allowed++;
    else wrong.push(`${a.status} ${a.body.slice(0, 120)}`);
  }
  // exact: the counter is atomic, so exactly `limit` pass and every request past it is refused
  if (allowed !== limit)
    wrong.push(`${allowed} of ${answers.length} passed, the limit is ${limit}`);
  if (limited !== answers.length - limit)
    wrong.push(`${limited} refused, ${answers.length - limit} expected`);
  return { what, limit, sent: answers.length, allowed, limited, wrong, held: wrong.length === 0 };
}

/** `count` requests in waves of `parallel`. */
async function burst(
  count: number,
  parallel: number,
  send: () => Promise<Answer>,
): Promise<Answer[]> {
  const out: Answer[] = [];
  for (let i = 0; i < count; i += parallel) {
    const wave = await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, send));
    out.push(...wave);
  }
  return out;
}

/** Wrong-password logins from `from`: the login limit per address. */
export async function probeLoginLimit(
  baseUrl: string,
  from: string,
  user: SeededUser,
  limit: number,
): Promise<LimitProbe> {
  const answers = await burst(limit + 3, 1, () =>
    httpFrom(from, `${baseUrl}/api/auth/login`, 'POST', {
      body: { email: user.email, password: 'not the password' },
    }),
  );
  return judge(`wrong logins from one address (limit ${limit}/min)`, limit, answers, 401);
}

/** Reads by one signed-in user from `from`: the per-user (and per-address) limit. */
export async function probeUserLimit(
  baseUrl: string,
  from: string,
  user: SeededUser,
  limit: number,
): Promise<LimitProbe> {
  // the sign-in counts in the login bucket, not in the default one probed here
  const tokens = await expectJson<TokenPair>(
    httpFrom(from, `${baseUrl}/api/auth/login`, 'POST', {
      body: { email: user.email, password: user.password },
    }),
    200,
    'sign-in of the probe user',
  );
  // in waves of 5: the counter is exact either way, waves keep the probe's own latency low
  const answers = await burst(limit + 5, 5, () =>
    httpFrom(from, `${baseUrl}/api/posts?limit=5`, 'GET', { token: tokens.accessToken }),
  );
  return judge(`reads by one user (limit ${limit}/min)`, limit, answers, 200);
}
