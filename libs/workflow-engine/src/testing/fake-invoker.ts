import { AgentResult, AgentTask } from '@postmagiq/contracts';
import { AgentInvoker } from '../executor/executor-ports';

/** How a fake agent answers one call. */
export interface FakeReply {
  readonly content?: string;
  readonly error?: string;
  /** Throw instead of answering, like an invoker with a bug. */
  readonly throws?: string;
  readonly costUsd?: number;
  readonly tokensIn?: number;
  readonly tokensOut?: number;
  readonly cachedTokensIn?: number;
  /** Text streamed by a first attempt that breaks; the answer then streams again as attempt 2. */
  readonly brokenFirst?: string;
  /** Hold the answer until this settles, to order concurrent calls. */
  readonly wait?: Promise<unknown>;
}

type ReplySpec = FakeReply | string;

/** Per agent name: one reply for every call, a list consumed call by call (the last repeats), or a function. */
export type FakeScript = Readonly<
  Record<string, ReplySpec | readonly ReplySpec[] | ((task: AgentTask) => ReplySpec)>
>;

export const FAKE_USAGE = {
  tokensIn: 100,
  tokensOut: 50,
  cachedTokensIn: 10,
  costUsd: 0.01,
} as const;

/** A scripted invoker that records every task it is given. Unscripted agents answer `<name> text`. */
export function fakeInvoker(script: FakeScript = {}): { invoke: AgentInvoker; tasks: AgentTask[] } {
  const tasks: AgentTask[] = [];
  const callsPerAgent = new Map<string, number>();
  const invoke: AgentInvoker = async (task, onToken) => {
    tasks.push(task);
    const call = callsPerAgent.get(task.agent.name) ?? 0;
    callsPerAgent.set(task.agent.name, call + 1);
    const reply = toReply(pick(script[task.agent.name], task, call) ?? `${task.agent.name} text`);
    await Promise.resolve();
    if (reply.wait) await reply.wait;
    if (reply.throws) throw new Error(reply.throws);
    const content = reply.content ?? '';
    if (reply.error === undefined && content.length > 0) {
      if (reply.brokenFirst !== undefined) onToken(reply.brokenFirst, 1);
      const attempt = reply.brokenFirst !== undefined ? 2 : 1;
      const half = Math.ceil(content.length / 2);
      onToken(content.slice(0, half), attempt);
      onToken(content.slice(half), attempt);
    }
    const result: AgentResult = {
      backend: task.agent.backend,
      model: task.agent.model ?? 'test-model',
      content,
      tokensIn: reply.tokensIn ?? FAKE_USAGE.tokensIn,
      tokensOut: reply.tokensOut ?? FAKE_USAGE.tokensOut,
      cachedTokensIn: reply.cachedTokensIn ?? FAKE_USAGE.cachedTokensIn,
      costUsd: reply.costUsd ?? FAKE_USAGE.costUsd,
      durationMs: 5,
      sessionId: task.sessionKey,
      error: reply.error ?? null,
      simulated: false,
    };
    return result;
  };
  return { invoke, tasks };
}

function pick(
  spec: FakeScript[string] | undefined,
  task: AgentTask,
  call: number,
): ReplySpec | undefined {
  if (spec === undefined) return undefined;
  if (typeof spec === 'function') return spec(task);
  if (Array.isArray(spec)) return spec[Math.min(call, spec.length - 1)];
  return spec as ReplySpec;
}

function toReply(spec: ReplySpec): FakeReply {
  return typeof spec === 'string' ? { content: spec } : spec;
}

/** An auditor's answer as JSON text. */
export function auditJson(
  decision: 'proceed' | 'retry' | 'halt',
  extra: { score?: number; feedback?: string; bestDraft?: number } = {},
): string {
  return JSON.stringify({
    decision,
    score: extra.score ?? 7,
    feedback: extra.feedback ?? `audit says ${decision}`,
    ...(extra.bestDraft === undefined ? {} : { bestDraft: extra.bestDraft }),
    findings: [],
  });
}

/** A promise with its resolve function, to release a held call from a test. */
export function latch(): { promise: Promise<void>; release: () => void } {
  let release = (): void => undefined;
  const promise = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { promise, release };
}
