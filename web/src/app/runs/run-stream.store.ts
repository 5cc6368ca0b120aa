import { computed, signal } from '@angular/core';
import {
  AgentTokenChunk,
  RUN_STREAM_BEARER_PREFIX,
  RUN_STREAM_PROTOCOL,
  RunEvent,
  RunStatus,
  RunStreamCloseCodes,
  RunStreamServerMessageSchema,
} from '@postmagiq/contracts';

/** The part of a browser WebSocket the store uses (a fake in unit tests). */
export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  close(code?: number, reason?: string): void;
}

/** Adapts a browser WebSocket to SocketLike. */
export function browserSocket(url: string, protocols: string[]): SocketLike {
  const ws = new WebSocket(url, protocols);
  const socket: SocketLike = {
    onopen: null,
    onmessage: null,
    onclose: null,
    onerror: null,
    close: (code, reason) => ws.close(code, reason),
  };
  ws.onopen = (ev) => socket.onopen?.(ev);
  ws.onmessage = (ev) => socket.onmessage?.({ data: ev.data });
  ws.onclose = (ev) => socket.onclose?.({ code: ev.code, reason: ev.reason });
  ws.onerror = (ev) => socket.onerror?.(ev);
  return socket;
}

export interface RunStreamDeps {
  /** Opens the socket (`new WebSocket(url, protocols)` in the browser). */
  open(url: string, protocols: string[]): SocketLike;
  /** A valid access token (refreshed when needed); null when signed out. */
  token(): Promise<string | null>;
  /** Runs `fn` before the next paint (`requestAnimationFrame`): token text is applied once per frame. */
  frame(fn: () => void): void;
  /** setTimeout, for reconnect back-off. */
  later(fn: () => void, ms: number): unknown;
  cancel(handle: unknown): void;
  /** Origin of the WebSocket URL, e.g. `ws://127.0.0.1:8080`. */
  origin: string;
}

export type ConnectionState =
  'connecting' | 'open' | 'reconnecting' | 'closed' | 'not-found' | 'unauthorized';

/** What an agent pane shows: the text of its latest call, restarted when the call's attempt rises. */
export interface AgentPane {
  agent: string;
  state: string;
  callId: string;
  attempt: number;
  text: string;
  /** Set once the agent's `agent.finished` event for this call arrived. */
  finished: boolean;
}

const TERMINAL: ReadonlySet<RunStatus> = new Set(['completed', 'halted', 'failed', 'cancelled']);
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];

interface CallBuffer {
  agent: string;
  state: string;
  attempt: number;
  seen: Set<number>;
  pending: string;
}

/**
 * The live state of one run from its WebSocket: every durable event exactly once in seq order
 * (resuming after a reconnect from the last seq seen, dropping a replayed duplicate, reconnecting
 * on a gap), and the agents' streamed tokens applied once per animation frame. Plain signals and
 * no Angular DI, so it is unit-testable with a fake socket.
 */
export class RunStreamStore {
  readonly events = signal<readonly RunEvent[]>([]);
  readonly lastSeq = signal(0);
  readonly connection = signal<ConnectionState>('connecting');
  /** Status from `ready` and `run.finished`; null before the first `ready`. */
  readonly status = signal<RunStatus | null>(null);
  readonly panes = signal<Readonly<Record<string, AgentPane>>>({});
  /** How many times the socket was (re)opened; the page shows reconnects. */
  readonly connects = signal(0);

  readonly currentState = computed(() => {
    let state: string | null = null;
    for (const e of this.events()) if (e.type === 'state.entered') state = e.state;
    return state;
  });
  readonly visits = computed(() => {
    const v: Record<string, number> = {};
    for (const e of this.events()) if (e.type === 'state.entered') v[e.state] = e.visit;
    return v;
  });
  readonly transitions = computed(() => this.events().filter((e) => e.type === 'transition'));
  readonly costUsd = computed(() =>
    this.events().reduce((sum, e) => (e.type === 'agent.finished' ? sum + e.costUsd : sum), 0),
  );
  readonly findings = computed(() => this.events().filter((e) => e.type === 'gate.findings'));
  readonly breakerTrips = computed(() => this.events().filter((e) => e.type === 'breaker.tripped'));
  /** The pending approval: the last `approval.requested` not followed by a state change. */
  readonly approval = computed(() => {
    let pending: Extract<RunEvent, { type: 'approval.requested' }> | null = null;
    for (const e of this.events()) {
      if (e.type === 'approval.requested') pending = e;
      else if (e.type === 'transition' || e.type === 'run.finished') pending = null;
    }
    return pending;
  });
  readonly finished = computed(() => {
    const all = this.events();
    for (let i = all.length - 1; i >= 0; i--) {
      const e = all[i] as RunEvent;
      if (e.type === 'run.finished') return e;
      if (e.type === 'state.entered') return null; // resumed or extended after finishing
    }
    return null;
  });

  private socket: SocketLike | null = null;
  private readonly calls = new Map<string, CallBuffer>();
  private frameScheduled = false;
  private attempts = 0;
  private retry: unknown = null;
  private stopped = false;
  private readonly listeners = new Set<(e: RunEvent) => void>();

  constructor(
    readonly runId: string,
    private readonly deps: RunStreamDeps,
  ) {}

  /** Opens the stream from the start (or from `after` when the page already holds earlier events). */
  start(): void {
    this.stopped = false;
    void this.connect();
  }

  /** Called with every new durable event (after de-duplication), e.g. to refresh the run's detail. */
  onEvent(fn: (e: RunEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Drops the socket as a network failure would (tests and the "reconnect" button use it). */
  dropConnection(): void {
    this.socket?.close(4000, 'client dropped the connection');
  }

  stop(): void {
    this.stopped = true;
    if (this.retry !== null) this.deps.cancel(this.retry);
    this.retry = null;
    const s = this.socket;
    this.socket = null;
    s?.close(1000, 'page closed');
    if (
      this.connection() === 'open' ||
      this.connection() === 'connecting' ||
      this.connection() === 'reconnecting'
    ) {
      this.connection.set('closed');
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const token = await this.deps.token();
    if (this.stopped) return;
    if (!token) {
      this.connection.set('unauthorized');
      return;
    }
    const url = `${this.deps.origin}/api/workflows/runs/${this.runId}/stream?after=${this.lastSeq()}`;
    const socket = this.deps.open(url, [
      RUN_STREAM_PROTOCOL,
      `${RUN_STREAM_BEARER_PREFIX}${token}`,
    ]);
    this.socket = socket;
    this.connects.update((n) => n + 1);
    socket.onmessage = (ev) => this.receive(socket, ev.data);
    socket.onclose = (ev) => this.closed(socket, ev.code);
    socket.onerror = () => undefined; // a close always follows
  }

  private receive(socket: SocketLike, data: unknown): void {
    if (socket !== this.socket) return; // a late message of a replaced socket
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = RunStreamServerMessageSchema.safeParse(json);
    if (!parsed.success) return;
    const msg = parsed.data;
    switch (msg.type) {
      case 'ready':
        this.attempts = 0;
        this.connection.set('open');
        if (this.status() === null || this.lastSeq() >= msg.lastSeq) this.status.set(msg.status);
        break;
      case 'event':
        this.accept(socket, msg.event);
        break;
      case 'agent.token':
        this.token(msg.chunk);
        break;
      default:
        break;
    }
  }

  private accept(socket: SocketLike, event: RunEvent): void {
    const last = this.lastSeq();
    if (event.seq <= last) return; // replayed after a reconnect: already shown
    if (event.seq > last + 1) {
      // a gap: never show events out of order; resume from what we have
      socket.close(4000, 'gap in the event sequence');
      return;
    }
    this.lastSeq.set(event.seq);
    this.events.update((list) => [...list, event]);
    if (event.type === 'run.finished') this.status.set(event.status);
    else if (event.type === 'approval.requested') this.status.set('awaiting_approval');
    else if (event.type === 'state.entered' && this.status() !== 'running')
      this.status.set('running');
    if (event.type === 'agent.started') this.startPane(event.agent, event.state);
    if (event.type === 'agent.finished') this.finishPane(event.agent);
    for (const fn of this.listeners) fn(event);
  }

  private token(chunk: AgentTokenChunk): void {
    const attempt = chunk.attempt ?? 1;
    let call = this.calls.get(chunk.callId);
    if (!call || attempt > call.attempt) {
      // a new call, or the backend retried it: the earlier attempt's text is void
      call = { agent: chunk.agent, state: chunk.state, attempt, seen: new Set(), pending: '' };
      this.calls.set(chunk.callId, call);
      this.resetPane(chunk.agent, chunk.state, chunk.callId, attempt);
    } else if (attempt < call.attempt) {
      return; // a straggler of a superseded attempt
    }
    if (call.seen.has(chunk.index)) return;
    call.seen.add(chunk.index);
    call.pending += chunk.text;
    this.scheduleFrame();
  }

  private scheduleFrame(): void {
    if (this.frameScheduled) return;
    this.frameScheduled = true;
    this.deps.frame(() => this.flush());
  }

  /** Applies every call's text received since the last frame in one signal update. */
  private flush(): void {
    this.frameScheduled = false;
    const updates: Array<[string, string]> = [];
    for (const [callId, call] of this.calls) {
      if (call.pending) {
        updates.push([callId, call.pending]);
        call.pending = '';
      }
    }
    if (updates.length === 0) return;
    this.panes.update((panes) => {
      const next = { ...panes };
      for (const [callId, text] of updates) {
        const call = this.calls.get(callId) as CallBuffer;
        const pane = next[call.agent];
        if (pane && pane.callId === callId) next[call.agent] = { ...pane, text: pane.text + text };
      }
      return next;
    });
  }

  private startPane(agent: string, state: string): void {
    this.panes.update((p) => ({
      ...p,
      [agent]: { agent, state, callId: '', attempt: 1, text: '', finished: false },
    }));
  }

  private resetPane(agent: string, state: string, callId: string, attempt: number): void {
    this.panes.update((p) => ({
      ...p,
      [agent]: { agent, state, callId, attempt, text: '', finished: false },
    }));
  }

  private finishPane(agent: string): void {
    this.panes.update((p) =>
      p[agent] ? { ...p, [agent]: { ...(p[agent] as AgentPane), finished: true } } : p,
    );
  }

  private closed(socket: SocketLike, code: number): void {
    if (socket !== this.socket) return;
    this.socket = null;
    if (this.stopped) return;
    if (code === RunStreamCloseCodes.notFound || code === RunStreamCloseCodes.forbidden) {
      this.connection.set('not-found');
      return;
    }
    const status = this.status();
    if (status && TERMINAL.has(status) && this.finished()) {
      this.connection.set('closed');
      return;
    }
    // 4401 included: the next connect asks for a token again, which refreshes an expired one
    this.connection.set('reconnecting');
    const delay = BACKOFF_MS[Math.min(this.attempts, BACKOFF_MS.length - 1)] as number;
    this.attempts++;
    if (code === RunStreamCloseCodes.unauthorized && this.attempts > 3) {
      this.connection.set('unauthorized');
      return;
    }
    this.retry = this.deps.later(() => {
      this.retry = null;
      void this.connect();
    }, delay);
  }
}
