import type { RunEvent, RunStreamServerMessage } from '@postmagiq/contracts';
import { RunStreamDeps, RunStreamStore, SocketLike } from './run-stream.store';

const RUN = '3f1c7f5e-1111-4000-8000-000000000001';
const at = '2026-12-02T10:00:00.000Z';

class FakeSocket implements SocketLike {
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  closed: { code?: number } | null = null;
  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}
  send(msg: RunStreamServerMessage): void {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
  close(code?: number): void {
    if (this.closed) return;
    this.closed = { code };
    this.onclose?.({ code: code ?? 1000, reason: '' });
  }
  /** The server (or the network) ends the connection. */
  drop(code = 1006): void {
    this.closed = { code };
    this.onclose?.({ code, reason: '' });
  }
}

function harness() {
  const sockets: FakeSocket[] = [];
  const frames: Array<() => void> = [];
  const timers: Array<{ fn: () => void; ms: number }> = [];
  let token = 'token-1';
  const deps: RunStreamDeps = {
    open: (url, protocols) => {
      const s = new FakeSocket(url, protocols);
      sockets.push(s);
      return s;
    },
    token: async () => token,
    frame: (fn) => frames.push(fn),
    later: (fn, ms) => timers.push({ fn, ms }),
    cancel: () => undefined,
    origin: 'ws://127.0.0.1:8080',
  };
  const store = new RunStreamStore(RUN, deps);
  return {
    store,
    sockets,
    setToken: (t: string) => (token = t),
    /** Runs every queued animation frame. */
    paint: () => frames.splice(0).forEach((f) => f()),
    /** Fires the pending reconnect timer and lets the token promise settle. */
    async fireTimers() {
      timers.splice(0).forEach((t) => t.fn());
      await flushPromises();
    },
    timers,
  };
}

const flushPromises = () => new Promise((r) => setTimeout(r, 0));

function entered(seq: number, state: string, visit = 1): RunEvent {
  return { runId: RUN, seq, at, type: 'state.entered', state, stateType: 'single', visit };
}
function transition(seq: number, from: string, to: string): RunEvent {
  return { runId: RUN, seq, at, type: 'transition', from, to, condition: 'always' };
}
const ev = (event: RunEvent): RunStreamServerMessage => ({ type: 'event', event });
const ready = (lastSeq: number): RunStreamServerMessage => ({
  type: 'ready',
  runId: RUN,
  status: 'running',
  lastSeq,
});
function token(
  callId: string,
  index: number,
  text: string,
  attempt?: number,
): RunStreamServerMessage {
  return {
    type: 'agent.token',
    chunk: {
      callId,
      runId: RUN,
      state: 'draft',
      agent: 'writer',
      index,
      text,
      ...(attempt ? { attempt } : {}),
    },
  };
}

describe('RunStreamStore', () => {
  it('authenticates with the token as a subprotocol and asks for every event from the start', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    expect(h.sockets).toHaveLength(1);
    expect(h.sockets[0]?.url).toBe(`ws://127.0.0.1:8080/api/workflows/runs/${RUN}/stream?after=0`);
    expect(h.sockets[0]?.protocols).toEqual(['postmagiq.v1', 'bearer.token-1']);
    expect(h.sockets[0]?.url).not.toContain('token-1');
  });

  it('after a dropped connection resumes from the last seq, with a fresh token, and shows each event once', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    const first = h.sockets[0] as FakeSocket;
    first.send(ready(0));
    first.send(ev(entered(1, 'start')));
    first.send(ev(transition(2, 'start', 'draft')));
    first.send(ev(entered(3, 'draft')));
    first.drop();
    expect(h.store.connection()).toBe('reconnecting');

    h.setToken('token-2');
    await h.fireTimers();
    const second = h.sockets[1] as FakeSocket;
    expect(second.url).toContain('?after=3');
    expect(second.protocols).toContain('bearer.token-2');
    // the server replays from after=3, but a replica may resend what we already hold
    second.send(ready(5));
    second.send(ev(entered(3, 'draft')));
    second.send(ev(transition(4, 'draft', 'audit')));
    second.send(ev(entered(5, 'audit')));
    expect(h.store.connection()).toBe('open');
    expect(h.store.events().map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(h.store.currentState()).toBe('audit');
    expect(h.store.visits()).toEqual({ start: 1, draft: 1, audit: 1 });
  });

  it('never shows events out of order: a gap closes the socket and resumes from what it holds', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    const first = h.sockets[0] as FakeSocket;
    first.send(ready(0));
    first.send(ev(entered(1, 'start')));
    first.send(ev(entered(3, 'draft'))); // seq 2 lost
    expect(h.store.events().map((e) => e.seq)).toEqual([1]);
    expect(first.closed).not.toBeNull();
    await h.fireTimers();
    expect(h.sockets[1]?.url).toContain('?after=1');
  });

  it('batches token text per animation frame and restarts a call when its attempt rises', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    const s = h.sockets[0] as FakeSocket;
    s.send(ready(0));
    s.send(
      ev({
        runId: RUN,
        seq: 1,
        at,
        type: 'agent.started',
        state: 'draft',
        agent: 'writer',
        backend: 'simulated',
        model: 'sim',
      }),
    );
    s.send(token('c1', 0, 'Hello'));
    s.send(token('c1', 1, ' world'));
    expect(h.store.panes()['writer']?.text).toBe(''); // nothing before the frame
    h.paint();
    expect(h.store.panes()['writer']?.text).toBe('Hello world');

    s.send(token('c1', 1, ' world')); // duplicate chunk
    s.send(token('c1', 2, ' again'));
    h.paint();
    expect(h.store.panes()['writer']?.text).toBe('Hello world again');

    // the backend retried the call: the first attempt's text is void
    s.send(token('c1', 3, 'Second', 2));
    s.send(token('c1', 4, ' try', 2));
    s.send(token('c1', 2, ' stale', 1)); // straggler of attempt 1
    h.paint();
    expect(h.store.panes()['writer']).toMatchObject({
      text: 'Second try',
      attempt: 2,
      finished: false,
    });
  });

  it('keeps the pending approval until a decision moves the run on', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    const s = h.sockets[0] as FakeSocket;
    s.send(ready(0));
    s.send(ev(entered(1, 'review')));
    s.send(
      ev({ runId: RUN, seq: 2, at, type: 'approval.requested', state: 'review', post: 'The post' }),
    );
    expect(h.store.approval()?.post).toBe('The post');
    expect(h.store.status()).toBe('awaiting_approval');
    s.send(ev(transition(3, 'review', 'synthesize')));
    expect(h.store.approval()).toBeNull();
  });

  it('stops reconnecting once the run has finished, and reports another workspace’s run as not found', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    const s = h.sockets[0] as FakeSocket;
    s.send(ready(0));
    s.send(
      ev({
        runId: RUN,
        seq: 1,
        at,
        type: 'run.finished',
        status: 'completed',
        finalState: 'complete',
        reason: null,
        finalPost: 'Done',
      }),
    );
    s.drop(1000);
    expect(h.store.connection()).toBe('closed');
    expect(h.timers).toHaveLength(0);

    const other = harness();
    other.store.start();
    await flushPromises();
    other.sockets[0]?.send({ type: 'error', status: 404, detail: 'run not found' });
    other.sockets[0]?.drop(4404);
    expect(other.store.connection()).toBe('not-found');
    expect(other.timers).toHaveLength(0);
  });

  it('sums the cost of finished agent calls as they arrive', async () => {
    const h = harness();
    h.store.start();
    await flushPromises();
    const s = h.sockets[0] as FakeSocket;
    s.send(ready(0));
    const finished = (seq: number, costUsd: number): RunEvent => ({
      runId: RUN,
      seq,
      at,
      type: 'agent.finished',
      state: 'draft',
      agent: `w${seq}`,
      backend: 'claude',
      model: 'm',
      tokensIn: 10,
      tokensOut: 20,
      cachedTokensIn: 0,
      costUsd,
      durationMs: 5,
      simulated: false,
      error: null,
    });
    s.send(ev(finished(1, 0.01)));
    s.send(ev(finished(2, 0.02)));
    expect(h.store.costUsd()).toBeCloseTo(0.03, 10);
  });
});
