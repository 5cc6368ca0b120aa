import {
  RUN_STREAM_BEARER_PREFIX,
  RUN_STREAM_PROTOCOL,
  RunEvent,
  RunStreamServerMessage,
  RunSummary,
} from '@postmagiq/contracts';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pc from 'picocolors';
import WebSocket from 'ws';

/**
 * The README's main job through the services: against a running stack, log in as the demo user,
 * start the default workflow for the workspace's next story entry, print its live progress from
 * the run's WebSocket, approve it (this is a demo) and print the finished post.
 */
export interface MainJobOptions {
  /** Where the stack answers (the one-machine process, or the ingress). */
  url: string;
  /** An access token; without it the demo account logs in (DEMO_EMAIL/DEMO_PASSWORD or DATA_DIR/demo-account.json). */
  token?: string;
  email?: string;
  password?: string;
  dataDir?: string;
  workflow: string;
  storyEntryId?: string;
  /** Story to create when the workspace has none (Markdown: `# title` then the story). */
  seedStoryFile: string;
  autoApprove: boolean;
  /** How long to wait for the stack to be ready. */
  readyTimeoutMs: number;
  runTimeoutMs: number;
}

export interface MainJobIo {
  out(line: string): void;
  err(line: string): void;
}

export interface MainJobResult {
  runId: string;
  status: string;
  finalPost: string | null;
}

class MainJobError extends Error {}

export async function runMainJob(options: MainJobOptions, io: MainJobIo): Promise<MainJobResult> {
  const base = options.url.replace(/\/$/, '');
  await waitUntilReady(base, options.readyTimeoutMs);
  const token = options.token ?? (await login(base, options, io));
  const http = client(base, token);
  const storyEntryId = options.storyEntryId ?? (await nextStoryEntry(http, options, io));

  const run = await http<RunSummary>('POST', '/api/workflows/runs', {
    workflow: options.workflow,
    storyEntryId,
  });
  io.out(
    `${pc.bold('run')} ${run.id}  ${pc.dim(`workflow ${run.workflow}, story entry ${storyEntryId}`)}`,
  );
  const finished = await follow(base, token, run.id, options, http, io);
  if (finished.type !== 'run.finished')
    throw new MainJobError('the stream ended before the run did');
  io.out('');
  if (finished.status === 'completed' && finished.finalPost) {
    io.out(pc.bold('Finished post'));
    io.out('');
    io.out(finished.finalPost);
    io.out('');
  }
  const colour = finished.status === 'completed' ? pc.green : pc.yellow;
  io.out(
    `${colour(finished.status)}${finished.reason ? ` · ${finished.reason}` : ''}  ${pc.dim(`${base}/api/workflows/runs/${run.id}`)}`,
  );
  return { runId: run.id, status: finished.status, finalPost: finished.finalPost };
}

type Http = <T>(method: string, path: string, body?: unknown) => Promise<T>;

function client(base: string, token: string | null): Http {
  return async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as unknown) : undefined;
    if (!res.ok) {
      const detail =
        (json as { detail?: string; title?: string } | undefined)?.detail ??
        (json as { title?: string } | undefined)?.title ??
        text;
      throw new MainJobError(`${method} ${path} answered ${res.status}: ${detail}`);
    }
    return json as T;
  };
}

async function waitUntilReady(base: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline)
      throw new MainJobError(
        `nothing ready at ${base} after ${Math.round(timeoutMs / 1000)} s: start the stack first (npm start)`,
      );
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function login(base: string, options: MainJobOptions, io: MainJobIo): Promise<string> {
  let { email, password } = options;
  if (!email || !password) {
    const file = join(options.dataDir ?? '.data', 'demo-account.json');
    if (!existsSync(file))
      throw new MainJobError(
        `no demo credentials: set DEMO_EMAIL and DEMO_PASSWORD, or start the stack once so it writes ${file}`,
      );
    ({ email, password } = JSON.parse(readFileSync(file, 'utf8')) as {
      email: string;
      password: string;
    });
  }
  const pair = await client(base, null)<{ accessToken: string }>('POST', '/api/auth/login', {
    email,
    password,
  });
  io.out(`${pc.bold('login')} ${email}`);
  return pair.accessToken;
}

interface EntryRef {
  id: string;
  title: string;
  topic: string;
}

/**
 * The workspace's next planned story entry, else its first one (a run moves an entry on from
 * `planned`), else a demo one created from `seedStoryFile`.
 */
async function nextStoryEntry(http: Http, options: MainJobOptions, io: MainJobIo): Promise<string> {
  const next = await http<{ entry: EntryRef | null }>('GET', '/api/story-entries/next');
  const entry = next.entry ?? (await firstStoryEntry(http));
  if (entry) {
    io.out(`${pc.bold('story')} ${entry.title || entry.topic}`);
    return entry.id;
  }
  const source = readFileSync(options.seedStoryFile, 'utf8');
  const title = /^#\s+(.+)$/m.exec(source)?.[1]?.trim() ?? 'A story';
  const body = source.replace(/^#\s+.+$/m, '').trim();
  const strategy = await http<{ id: string }>('POST', '/api/strategies', {
    name: 'Demo strategy',
    thesis: 'Small honest stories from work.',
  });
  const chapter = await http<{ id: string }>('POST', `/api/strategies/${strategy.id}/chapters`, {
    theme: 'First stories',
  });
  const created = await http<{ id: string }>('POST', `/api/chapters/${chapter.id}/story-entries`, {
    title,
    topic: title,
    storySource: body,
  });
  io.out(
    `${pc.bold('story')} ${title} ${pc.dim(`(the workspace had none: created from ${options.seedStoryFile})`)}`,
  );
  return created.id;
}

async function firstStoryEntry(http: Http): Promise<EntryRef | null> {
  const strategies = await http<{ items: { id: string }[] }>('GET', '/api/strategies?limit=100');
  for (const strategy of strategies.items) {
    const chapters = await http<{ items: { id: string }[] }>(
      'GET',
      `/api/strategies/${strategy.id}/chapters?limit=100`,
    );
    for (const chapter of chapters.items) {
      const entries = await http<{ items: EntryRef[] }>(
        'GET',
        `/api/chapters/${chapter.id}/story-entries?limit=1`,
      );
      if (entries.items[0]) return entries.items[0];
    }
  }
  return null;
}

/** Streams the run's events until `run.finished`, printing one line per step; approves when asked. */
function follow(
  base: string,
  token: string,
  runId: string,
  options: MainJobOptions,
  http: Http,
  io: MainJobIo,
): Promise<RunEvent> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(
      `${base.replace(/^http/, 'ws')}/api/workflows/runs/${runId}/stream?after=0`,
      [RUN_STREAM_PROTOCOL, `${RUN_STREAM_BEARER_PREFIX}${token}`],
    );
    const timer = setTimeout(() => {
      ws.close();
      reject(
        new MainJobError(
          `the run did not finish within ${Math.round(options.runTimeoutMs / 1000)} s; follow it at ${base}/api/workflows/runs/${runId}`,
        ),
      );
    }, options.runTimeoutMs);
    let done = false;
    // lines go out in the run's order: what follows an automatic approval waits for its answer,
    // which may come back after the events the approval caused
    let printed = Promise.resolve();
    const print = (line: string) => (printed = printed.then(() => io.out(line)));
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as RunStreamServerMessage;
      if (message.type === 'error') {
        clearTimeout(timer);
        reject(new MainJobError(`stream refused: ${message.detail}`));
        return;
      }
      if (message.type !== 'event') return;
      const event = message.event;
      const line = describe(event);
      if (line) print(line);
      if (event.type === 'approval.requested') {
        if (!options.autoApprove) {
          print(
            pc.yellow(
              `  waiting for a reviewer: POST ${base}/api/workflows/runs/${runId}/approve | reject | edit`,
            ),
          );
          return;
        }
        const approval = http('POST', `/api/workflows/runs/${runId}/approve`);
        printed = printed.then(() =>
          approval.then(
            () => io.out(pc.dim('  approved automatically (demo)')),
            (e: Error) => io.err(`approval failed: ${e.message}`),
          ),
        );
      }
      if (event.type === 'run.finished') {
        done = true;
        clearTimeout(timer);
        ws.close(1000);
        void printed.then(() => resolve(event));
      }
    });
    ws.on('error', (e) => {
      clearTimeout(timer);
      reject(new MainJobError(`stream: ${e.message}`));
    });
    ws.on('close', (code, reason) => {
      if (done) return;
      clearTimeout(timer);
      reject(
        new MainJobError(`the stream closed (${code} ${String(reason)}) before the run finished`),
      );
    });
  });
}

function describe(event: RunEvent): string | null {
  switch (event.type) {
    case 'state.entered':
      return `${pc.cyan('▸')} ${pc.bold(event.state)} ${pc.dim(`${event.stateType}${event.visit > 1 ? `, visit ${event.visit}` : ''}`)}`;
    case 'agent.finished': {
      const what = event.error
        ? pc.red(`failed: ${event.error}`)
        : `${event.tokensIn} in / ${event.tokensOut} out, $${event.costUsd.toFixed(4)}, ${Math.round(event.durationMs)} ms`;
      return `    ${event.agent} ${pc.dim(`${event.backend}/${event.model}${event.simulated ? ' (simulated)' : ''}`)} ${what}`;
    }
    case 'gate.findings':
      return event.findings.length
        ? pc.dim(
            `    ${event.gate}: draft ${event.draft + 1} has ${event.findings.length} finding(s)`,
          )
        : null;
    case 'breaker.tripped':
      return pc.yellow(`    breaker: ${event.reason}`);
    case 'approval.requested':
      return `    ${pc.yellow('approval requested')}`;
    default:
      return null;
  }
}

/** `--flag value` arguments and the environment, to options. */
export function mainJobOptions(argv: string[], env: NodeJS.ProcessEnv): MainJobOptions {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const token = arg('token') ?? env['POSTMAGIQ_TOKEN'];
  const storyEntryId = arg('story-entry');
  return {
    url: arg('url') ?? env['POSTMAGIQ_URL'] ?? `http://127.0.0.1:${env['PORT'] ?? '8080'}`,
    ...(token ? { token } : {}),
    ...(env['DEMO_EMAIL'] ? { email: env['DEMO_EMAIL'] } : {}),
    ...(env['DEMO_PASSWORD'] ? { password: env['DEMO_PASSWORD'] } : {}),
    dataDir: env['DATA_DIR'] ?? '.data',
    workflow: arg('workflow') ?? 'linkedin_post',
    ...(storyEntryId ? { storyEntryId } : {}),
    seedStoryFile: arg('seed-story') ?? 'examples/story.md',
    autoApprove: !argv.includes('--no-auto-approve'),
    readyTimeoutMs: Number(arg('ready-timeout-ms') ?? 180_000),
    runTimeoutMs: Number(arg('run-timeout-ms') ?? 15 * 60_000),
  };
}

export { MainJobError };
