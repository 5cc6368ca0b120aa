import { request } from 'node:http';

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * One HTTP request from a given loopback address (`localAddress`): the stack's rate limits count
 * per client address, so each seeded user and each rate-limit probe comes from an address of its own.
 */
export function httpFrom(
  from: string,
  url: string,
  method: string,
  options: { token?: string; body?: unknown } = {},
): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((ok, fail) => {
    const req = request(
      url,
      {
        method,
        localAddress: from,
        agent: false,
        timeout: 60_000,
        headers: {
          ...(body ? { 'content-type': 'application/json' } : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    req.on('error', fail);
    req.end(body);
  });
}

/** The JSON answer of a request that must succeed with `status`. */
export async function expectJson<T>(
  answer: Promise<Answer>,
  status: number,
  what: string,
): Promise<T> {
  const res = await answer;
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${res.body.slice(0, 300)}`);
  return JSON.parse(res.body) as T;
}

/** The n-th address of a loopback block, e.g. address('127.2', 300) = 127.2.1.45 (skips .0 and .255). */
export function loopback(block: string, n: number): string {
  return `${block}.${Math.floor(n / 254)}.${(n % 254) + 1}`;
}
