/*
 * Summarises a V8 .cpuprofile (from `BENCH_CPU_PROF=<dir> npm run bench:identity`): the top
 * functions by self time, and self time per package / source area.
 *   node -r @swc-node/register tools/bench/identity/profile-top.ts <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function area(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : '(native)';
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (nm?.[1]) return nm[1];
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  const repo = /\/(libs|services|tools)\/([^/]+)\//.exec(url);
  if (repo) return `${repo[1]}/${repo[2]}`;
  return url;
}

function main(): void {
  const [file, topArg] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-top.ts <file.cpuprofile> [top]');
  const top = Number(topArg ?? 30);
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  // PROFILE_SKIP_MS leaves out the boot; idle samples are left out so shares are of busy time
  const skipUs = Number(process.env['PROFILE_SKIP_MS'] ?? 0) * 1000;
  const idle = new Set(
    p.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id),
  );
  const self = new Map<number, number>();
  let at = 0;
  let idleUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const id = p.samples[i] as number;
    const dt = p.timeDeltas[i] ?? 0;
    at += dt;
    if (at < skipUs) continue;
    if (idle.has(id)) {
      idleUs += dt;
      continue;
    }
    self.set(id, (self.get(id) ?? 0) + dt);
  }
  // inclusive time: each sample counts once for every distinct function on its stack
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) =>
    `${n.callFrame.functionName || '(anonymous)'}  ${n.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^file:\/\/.*\/(libs|services|tools)\//, '$1/')}:${n.callFrame.lineNumber + 1}`;
  const inclusive = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const n = byId.get(cur);
      if (n) seen.add(keyOf(n));
    }
    for (const k of seen) inclusive.set(k, (inclusive.get(k) ?? 0) + us);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const byFn = new Map<string, number>();
  const byArea = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const { functionName, url } = n.callFrame;
    const key = keyOf(n);
    byFn.set(key, (byFn.get(key) ?? 0) + us);
    const a = area(url, functionName);
    byArea.set(a, (byArea.get(a) ?? 0) + us);
  }
  const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  process.stdout.write(
    `${file}: ${(total / 1e6).toFixed(2)} s busy, ${(idleUs / 1e6).toFixed(2)} s idle (after the first ${skipUs / 1000} ms); shares are of busy time\n\nself time by area\n`,
  );
  for (const [k, us] of [...byArea].sort((a, b) => b[1] - a[1]).slice(0, 25))
    process.stdout.write(`${pct(us)}  ${k}\n`);
  process.stdout.write(`\ntop ${top} functions by self time\n`);
  for (const [k, us] of [...byFn].sort((a, b) => b[1] - a[1]).slice(0, top))
    process.stdout.write(`${pct(us)}  ${k}\n`);
  const filter = process.env['PROFILE_INCLUSIVE'];
  if (filter) {
    process.stdout.write(`\ninclusive time of functions matching /${filter}/\n`);
    const re = new RegExp(filter);
    for (const [k, us] of [...inclusive]
      .filter(([k]) => re.test(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top))
      process.stdout.write(`${pct(us)}  ${k}\n`);
  }
}

main();
