/*
 * The load mix `npm run load` drives (k6). Each VU is one signed-in user on its own loopback
 * address (k6 --local-ips), paced like a person (about one request a second, under the default
 * 100/min per user and per address), doing what users of the console do: sign in, list posts, runs
 * and strategies, open and edit posts, semantic search, and now and then start a run on the
 * simulated agents and watch it over the run WebSocket until it asks for approval or ends.
 *
 * Stages of rising concurrency are scenarios s0, s1, … run one after another; every request is
 * tagged with its stage (the scenario), so per-stage figures come out of the summary. Any answer the
 * mix does not expect — a 429 included, since these users stay under every limit — counts in
 * `unexpected`. The driver (main.ts) reads the summary k6 writes to LOAD_SUMMARY.
 *
 * Environment: BASE_URL, SEED (a JSON file: [{email, password, postIds, storyEntryId}]),
 * STAGES ("10,25,50"), STAGE_SECONDS, GAP_SECONDS (drain between stages), RUN_SHARE (0..1),
 * WATCH_SECONDS, LOAD_SUMMARY (where the summary JSON goes).
 */
import http from 'k6/http';
import { WebSocket } from 'k6/websockets';
import { Counter, Trend } from 'k6/metrics';
import exec from 'k6/execution';
import { sleep } from 'k6';

const BASE = __ENV.BASE_URL;
const users = JSON.parse(open(__ENV.SEED));
const STAGES = __ENV.STAGES.split(',').map(Number);
const STAGE_S = Number(__ENV.STAGE_SECONDS);
const GAP_S = Number(__ENV.GAP_SECONDS);
const RUN_SHARE = Number(__ENV.RUN_SHARE);
const WATCH_S = Number(__ENV.WATCH_SECONDS);

const unexpected = new Counter('unexpected');
const runsStarted = new Counter('runs_started');
const runsWatched = new Counter('runs_watched');
const streamFirstEvent = new Trend('stream_first_event', true);

const scenarios = {};
const thresholds = {};
STAGES.forEach((vus, i) => {
  const name = `s${i}`;
  scenarios[name] = {
    executor: 'constant-vus',
    vus,
    duration: `${STAGE_S}s`,
    startTime: `${i * (STAGE_S + GAP_S)}s`,
    gracefulStop: `${GAP_S}s`,
  };
  // per-stage submetrics (k6 reports a submetric only when a threshold names it); whether a stage
  // holds is decided by the driver, which reads these figures
  thresholds[`http_req_duration{scenario:${name}}`] = ['p(99)<500'];
  thresholds[`http_reqs{scenario:${name}}`] = ['count>=0'];
  thresholds[`unexpected{scenario:${name}}`] = ['count<1'];
  thresholds[`runs_started{scenario:${name}}`] = ['count>=0'];
});

// per-request-kind figures over the whole run (which requests make the tail)
const NAMES = [
  'POST /auth/login',
  'GET /posts',
  'GET /workflows/runs',
  'GET /strategies',
  'GET /posts/:id',
  'PATCH /posts/:id',
  'GET /search',
  'POST /workflows/runs',
  'POST /workflows/runs/:id/approve',
];
for (const name of NAMES) thresholds[`http_req_duration{name:${name}}`] = ['p(99)<500'];

export const options = {
  scenarios,
  thresholds,
  summaryTrendStats: ['avg', 'med', 'p(95)', 'p(99)', 'max', 'count'],
  discardResponseBodies: false,
  noConnectionReuse: false,
};

// per VU (a VU keeps its user, address and session across stages)
let me;
let token;
const json = (body) => ({
  headers: {
    'content-type': 'application/json',
    ...(token ? { authorization: `Bearer ${token}` } : {}),
  },
});
const auth = () => ({ headers: { authorization: `Bearer ${token}` } });

/** Counts an answer the mix does not expect, with what it was, once per status and request. */
function expect(res, statuses, what) {
  if (statuses.includes(res.status)) return true;
  unexpected.add(1, { what, status: String(res.status) });
  if (exec.vu.iterationInScenario < 3 || res.status >= 500)
    console.warn(`${what}: ${res.status} ${String(res.body).slice(0, 200)}`);
  return false;
}

function signIn() {
  const res = http.post(
    `${BASE}/api/auth/login`,
    JSON.stringify({ email: me.email, password: me.password }),
    {
      headers: { 'content-type': 'application/json' },
      tags: { name: 'POST /auth/login' },
    },
  );
  if (expect(res, [200], 'sign-in')) token = res.json('accessToken');
}

const pick = (list) => list[Math.floor(Math.random() * list.length)];
const WORDS = [
  'focus',
  'backlog',
  'team',
  'shipping',
  'priorities',
  'leadership',
  'feedback',
  'hiring',
];

function listPosts() {
  expect(
    http.get(`${BASE}/api/posts?limit=20`, { ...auth(), tags: { name: 'GET /posts' } }),
    [200],
    'list posts',
  );
}
function listRuns() {
  const r = http.get(`${BASE}/api/workflows/runs?limit=20`, {
    ...auth(),
    tags: { name: 'GET /workflows/runs' },
  });
  expect(r, [200], 'list runs');
}
function listStrategies() {
  const r = http.get(`${BASE}/api/strategies`, { ...auth(), tags: { name: 'GET /strategies' } });
  expect(r, [200], 'list strategies');
}
function openPost() {
  const r = http.get(`${BASE}/api/posts/${pick(me.postIds)}`, {
    ...auth(),
    tags: { name: 'GET /posts/:id' },
  });
  expect(r, [200], 'open post');
}
function editPost() {
  const text = `Shipping less, on purpose: ${pick(WORDS)} and ${pick(WORDS)} (${Date.now()}).\n\nWhat we stopped doing taught us more than what we started.`;
  const r = http.patch(`${BASE}/api/posts/${pick(me.postIds)}`, JSON.stringify({ content: text }), {
    ...json(),
    tags: { name: 'PATCH /posts/:id' },
  });
  expect(r, [200], 'edit post');
}
function search() {
  const r = http.get(
    `${BASE}/api/search?q=${encodeURIComponent(`${pick(WORDS)} ${pick(WORDS)}`)}&limit=10`,
    {
      ...auth(),
      tags: { name: 'GET /search' },
    },
  );
  expect(r, [200], 'semantic search');
}

/**
 * Starts a run on the simulated agents and watches its stream until it asks for approval (given)
 * or ends, at most WATCH_SECONDS.
 */
function startAndWatchRun() {
  const res = http.post(
    `${BASE}/api/workflows/runs`,
    JSON.stringify({ workflow: 'linkedin_post', storyEntryId: me.storyEntryId }),
    { ...json(), tags: { name: 'POST /workflows/runs' } },
  );
  if (!expect(res, [201], 'start run')) return;
  runsStarted.add(1);
  const runId = res.json('id');
  const opened = Date.now();
  const ws = new WebSocket(
    `${BASE.replace('http', 'ws')}/api/workflows/runs/${runId}/stream?after=0`,
    ['postmagiq.v1', `bearer.${token}`],
  );
  let first = true;
  const done = () => {
    runsWatched.add(1);
    ws.close();
  };
  const timer = setTimeout(done, WATCH_S * 1000);
  ws.onmessage = (e) => {
    const msg = JSON.parse(e.data);
    if (msg.type === 'error') {
      unexpected.add(1, { what: 'run stream', status: String(msg.code ?? 'error') });
      clearTimeout(timer);
      ws.close();
      return;
    }
    if (msg.type === 'event' && first) {
      first = false;
      streamFirstEvent.add(Date.now() - opened);
    }
    const kind = msg.type === 'event' ? msg.event.type : '';
    if (kind === 'approval.requested') {
      // the person reads the post and approves it
      const r = http.post(`${BASE}/api/workflows/runs/${runId}/approve`, null, {
        ...auth(),
        tags: { name: 'POST /workflows/runs/:id/approve' },
      });
      expect(r, [200, 201], 'approve run');
      clearTimeout(timer);
      done();
    } else if (kind === 'run.finished') {
      clearTimeout(timer);
      done();
    }
  };
  ws.onerror = (e) => {
    unexpected.add(1, { what: 'run stream', status: 'ws error' });
    console.warn(`run stream: ${e.error}`);
    clearTimeout(timer);
  };
}

export default function () {
  me ??= users[(exec.vu.idInTest - 1) % users.length];
  if (!token) {
    signIn();
    sleep(0.5 + Math.random());
    return;
  }
  const roll = Math.random();
  if (roll < RUN_SHARE) startAndWatchRun();
  else if (roll < 0.02 + RUN_SHARE) signIn();
  else if (roll < 0.3) listPosts();
  else if (roll < 0.42) listRuns();
  else if (roll < 0.5) listStrategies();
  else if (roll < 0.66) openPost();
  else if (roll < 0.84) editPost();
  else search();
  // a person's pace: about one request a second, well under 100 a minute
  sleep(0.6 + Math.random() * 0.8);
}

export function handleSummary(data) {
  return { [__ENV.LOAD_SUMMARY]: JSON.stringify(data) };
}
