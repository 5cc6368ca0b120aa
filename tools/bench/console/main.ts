/// <reference lib="dom" />
/**
 * bench:console — what the console costs a visitor.
 *
 * 1. A production build of `web` (timed), and the initial JavaScript a first visit downloads: the
 *    scripts and module preloads `index.html` names, gzipped (level 9, as a server would send them).
 * 2. Lighthouse 12 (desktop preset, Debian's Chromium) on the dashboard and on a completed run's
 *    page, signed in, against the one-machine stack started here on free ports (real Redis, NATS,
 *    embedded Postgres). Performance and accessibility scores, the median of BENCH_LH_RUNS (3).
 *
 * Targets: initial JS ≤ 250 kB gzip, performance ≥ 90, accessibility 100. The last line is JSON.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { freePort, stopChild, waitForPort } from '@postmagiq/platform/testing';
import { ROOT, startConsoleStack, WEB_DIST } from '@postmagiq/console-stack';

const CHROME = process.env['CHROME_PATH'] ?? '/usr/bin/chromium';
const RUNS = Number(process.env['BENCH_LH_RUNS'] ?? 3);
const log = (line: string) =>
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

function build(): number {
  const started = Date.now();
  execFileSync('npx', ['nx', 'run', 'web:build', '--skip-nx-cache', '--outputStyle=static'], {
    cwd: ROOT,
    env: { ...process.env, NX_DAEMON: 'false' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return (Date.now() - started) / 1000;
}

/** The JS a first visit loads before anything lazy: `<script src>` and `<link rel="modulepreload">`. */
export function initialScripts(indexHtml: string): string[] {
  const files = new Set<string>();
  for (const m of indexHtml.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g)) files.add(m[1] as string);
  for (const m of indexHtml.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g))
    files.add(m[1] as string);
  return [...files];
}

function initialJs(): {
  files: Array<{ file: string; raw: number; gzip: number }>;
  gzipKb: number;
} {
  const index = readFileSync(join(WEB_DIST, 'index.html'), 'utf8');
  const files = initialScripts(index).map((file) => {
    const body = readFileSync(join(WEB_DIST, file));
    return { file, raw: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  return { files, gzipKb: Math.round((files.reduce((s, f) => s + f.gzip, 0) / 1024) * 10) / 10 };
}

async function json<T>(url: string, method: string, body?: unknown, token?: string): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A workspace with a strategy, an entry and one completed run, so both pages have real content. */
async function seed(base: string): Promise<{ pair: unknown; runId: string }> {
  const api = `${base}/api`;
  const pair = await json<{ accessToken: string }>(`${api}/auth/register`, 'POST', {
    email: `bench-${Date.now()}@example.com`,
    password: 'correct horse battery',
    name: 'Bench Writer',
  });
  const t = pair.accessToken;
  const strategy = await json<{ id: string }>(
    `${api}/strategies`,
    'POST',
    { name: 'Build in public' },
    t,
  );
  const chapter = await json<{ id: string }>(
    `${api}/strategies/${strategy.id}/chapters`,
    'POST',
    { theme: 'Hiring' },
    t,
  );
  const entry = await json<{ id: string }>(
    `${api}/chapters/${chapter.id}/story-entries`,
    'POST',
    {
      topic: 'The offer we lost',
      storySource: 'We lost our best candidate to a bigger company, and learned why.',
    },
    t,
  );
  const run = await json<{ id: string }>(
    `${api}/workflows/runs`,
    'POST',
    { workflow: 'linkedin_post', storyEntryId: entry.id },
    t,
  );
  for (let i = 0; i < 300; i++) {
    const d = await json<{ status: string }>(
      `${api}/workflows/runs/${run.id}`,
      'GET',
      undefined,
      t,
    );
    if (d.status === 'awaiting_approval') {
      await json(`${api}/workflows/runs/${run.id}/approve`, 'POST', {}, t);
    } else if (d.status !== 'running') {
      return { pair, runId: run.id };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('the seeded run did not finish');
}

interface Scores {
  performance: number;
  accessibility: number;
}

/** One Lighthouse run through its CLI, attached to the signed-in browser on `port`. */
async function lighthouse(url: string, port: number): Promise<Scores> {
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'node_modules/lighthouse/cli/index.js'),
      url,
      `--port=${port}`,
      '--preset=desktop',
      '--only-categories=performance,accessibility',
      '--disable-storage-reset',
      '--output=json',
      '--output-path=stdout',
      '--quiet',
    ],
    { cwd: ROOT, env: { ...process.env, CHROME_PATH: CHROME }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((ok) => child.on('close', ok));
  if (code !== 0) throw new Error(`lighthouse failed on ${url}: ${stderr}`);
  const report = JSON.parse(stdout) as {
    categories: Record<string, { score: number | null }>;
    runtimeError?: { message: string };
  };
  if (report.runtimeError) throw new Error(`lighthouse on ${url}: ${report.runtimeError.message}`);
  return {
    performance: Math.round((report.categories['performance']?.score ?? 0) * 100),
    accessibility: Math.round((report.categories['accessibility']?.score ?? 0) * 100),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

async function main(): Promise<void> {
  log('production build of the console');
  const buildSeconds = build();
  const js = initialJs();
  log(
    `built in ${buildSeconds.toFixed(0)} s; initial JS ${js.gzipKb} kB gzip over ${js.files.length} files`,
  );

  log('starting the one-machine stack');
  const stack = await startConsoleStack({ SIMULATED_LATENCY_MS: '0' });
  const profile = mkdtempSync(join(tmpdir(), 'pmq-lh-profile-'));
  const port = await freePort();
  // Chromium on its own (Lighthouse attaches to it by port); Playwright only signs the profile in
  const chrome = spawn(
    CHROME,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      `--remote-debugging-port=${port}`,
      `--user-data-dir=${profile}`,
      'about:blank',
    ],
    { stdio: 'ignore' },
  );
  const results: Record<string, Scores[]> = { dashboard: [], run: [] };
  try {
    await waitForPort(port, 20_000);
    const { pair, runId } = await seed(stack.url);
    const cdp = await chromium.connectOverCDP(`http://127.0.0.1:${port}`);
    const context = cdp.contexts()[0];
    if (!context) throw new Error('Chromium has no default context');
    const page = await context.newPage();
    await page.goto(`${stack.url}/sign-in`);
    await page.evaluate((p) => {
      const { expiresIn } = p as { expiresIn: number };
      localStorage.setItem(
        'postmagiq.session',
        JSON.stringify({ pair: p, expiresAt: Date.now() + expiresIn * 1000 }),
      );
    }, pair);
    await page.close();
    const pages = { dashboard: `${stack.url}/`, run: `${stack.url}/runs/${runId}` };
    for (let i = 0; i < RUNS; i++) {
      for (const [name, url] of Object.entries(pages)) {
        const s = await lighthouse(url, port);
        results[name]?.push(s);
        log(`${name} #${i + 1}: performance ${s.performance}, accessibility ${s.accessibility}`);
      }
    }
  } finally {
    await stopChild(chrome, 5_000);
    rmSync(profile, { recursive: true, force: true });
    await stack.stop();
  }

  const perf = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [k, median(v.map((s) => s.performance))]),
  );
  const a11y = Object.fromEntries(
    Object.entries(results).map(([k, v]) => [k, median(v.map((s) => s.accessibility))]),
  );
  const rows = [
    ['initial JS (gzip)', `${js.gzipKb} kB`, '≤ 250 kB'],
    ...Object.keys(results).map((k) => [`${k}: performance`, String(perf[k]), '≥ 90']),
    ...Object.keys(results).map((k) => [`${k}: accessibility`, String(a11y[k]), '100']),
    ['production build', `${buildSeconds.toFixed(0)} s`, ''],
  ];
  process.stdout.write(
    '\nbench:console (Lighthouse 12, desktop preset, median of ' + RUNS + ' runs)\n',
  );
  for (const [a, b, c] of rows)
    process.stdout.write(`  ${(a as string).padEnd(26)} ${(b as string).padStart(9)}   ${c}\n`);
  process.stdout.write(
    JSON.stringify({
      initialJsKb: js.gzipKb,
      lighthousePerf: perf,
      lighthouseA11y: a11y,
      initialJsFiles: js.files.length,
      buildSeconds: Math.round(buildSeconds),
      lighthouseRuns: RUNS,
      initialJsBudgetRatio: Math.round((js.gzipKb / 250) * 100) / 100,
    }) + '\n',
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:console failed: ${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
