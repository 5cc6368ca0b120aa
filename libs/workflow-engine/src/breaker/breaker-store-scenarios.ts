import { BreakerLimit } from '@postmagiq/contracts';
import { BreakerCounterStore } from './breaker-counter-store';
import { LimitOverrides, resolveLimits } from './breaker-limits';
import { BreakerVerdict } from './breaker-verdict';

/**
 * Conformance cases every BreakerCounterStore must pass, as data. The in-memory store's spec plays
 * them; a Redis store's integration test plays the very same list against its Lua scripts.
 */
export type ExpectedVerdict =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly limit: BreakerLimit; readonly soft: boolean };

export interface ExpectedCounters {
  readonly transitions: number;
  readonly costUsd: number;
  readonly extended: boolean;
}

export type BreakerScenarioStep =
  | {
      readonly op: 'transition';
      readonly toState: string;
      readonly atMinute?: number;
      readonly expect: ExpectedVerdict;
    }
  | { readonly op: 'cost'; readonly usd: number; readonly expect: ExpectedVerdict }
  | { readonly op: 'extend'; readonly expect: boolean }
  | { readonly op: 'counters'; readonly expect: ExpectedCounters };

export interface BreakerScenario {
  readonly name: string;
  readonly overrides?: LimitOverrides;
  readonly steps: readonly BreakerScenarioStep[];
}

const ok: ExpectedVerdict = { allowed: true };
const soft = (limit: BreakerLimit): ExpectedVerdict => ({ allowed: false, limit, soft: true });
const hard = (limit: BreakerLimit): ExpectedVerdict => ({ allowed: false, limit, soft: false });

function visits(
  toState: string,
  count: number,
  expect: ExpectedVerdict = ok,
): BreakerScenarioStep[] {
  return Array.from({ length: count }, () => ({ op: 'transition' as const, toState, expect }));
}

/** `count` transitions to distinct states, so only the transition limit can trip. */
function transitions(from: number, count: number): BreakerScenarioStep[] {
  return Array.from({ length: count }, (_, i) => ({
    op: 'transition' as const,
    toState: `s${from + i}`,
    expect: ok,
  }));
}

export const BREAKER_STORE_SCENARIOS: readonly BreakerScenario[] = [
  {
    name: 'the 4th visit of a state trips the soft limit and is not counted',
    steps: [
      ...visits('audit', 3),
      { op: 'transition', toState: 'audit', expect: soft('state_visits') },
      { op: 'transition', toState: 'revise', expect: ok },
      { op: 'counters', expect: { transitions: 4, costUsd: 0, extended: false } },
    ],
  },
  {
    name: 'after the extension a state may be visited up to the hard limit of 6, never more',
    steps: [
      ...visits('audit', 3),
      { op: 'transition', toState: 'audit', expect: soft('state_visits') },
      { op: 'extend', expect: true },
      ...visits('audit', 3),
      { op: 'transition', toState: 'audit', expect: hard('state_visits') },
      { op: 'extend', expect: false },
    ],
  },
  {
    name: 'the 21st transition trips the soft limit',
    steps: [
      ...transitions(0, 20),
      { op: 'transition', toState: 's20', expect: soft('transitions') },
    ],
  },
  {
    name: 'the 51st transition trips the hard limit even after the extension',
    steps: [
      ...transitions(0, 20),
      { op: 'transition', toState: 's20', expect: soft('transitions') },
      { op: 'extend', expect: true },
      ...transitions(20, 30),
      { op: 'transition', toState: 's50', expect: hard('transitions') },
      { op: 'counters', expect: { transitions: 50, costUsd: 0, extended: true } },
    ],
  },
  {
    name: 'runtime trips the soft limit after 30 minutes and the hard limit after 60',
    steps: [
      { op: 'transition', toState: 'a', atMinute: 30, expect: ok },
      { op: 'transition', toState: 'b', atMinute: 30.5, expect: soft('runtime_minutes') },
      { op: 'extend', expect: true },
      { op: 'transition', toState: 'b', atMinute: 60, expect: ok },
      { op: 'transition', toState: 'c', atMinute: 61, expect: hard('runtime_minutes') },
    ],
  },
  {
    name: 'cost is always recorded, trips the soft limit above $5 and the hard limit above $10',
    steps: [
      ...Array.from({ length: 50 }, () => ({ op: 'cost' as const, usd: 0.1, expect: ok })),
      { op: 'cost', usd: 0.01, expect: soft('cost_usd') },
      { op: 'transition', toState: 'a', expect: soft('cost_usd') },
      { op: 'extend', expect: true },
      { op: 'transition', toState: 'a', expect: ok },
      { op: 'cost', usd: 4.99, expect: ok },
      { op: 'cost', usd: 0.5, expect: hard('cost_usd') },
      { op: 'counters', expect: { transitions: 1, costUsd: 10.5, extended: true } },
    ],
  },
  {
    name: "a workflow's overrides replace the soft defaults",
    overrides: { stateVisits: 2, costUsd: 1 },
    steps: [
      ...visits('audit', 2),
      { op: 'transition', toState: 'audit', expect: soft('state_visits') },
      { op: 'cost', usd: 1.5, expect: soft('cost_usd') },
    ],
  },
  {
    name: 'an override equal to the hard ceiling trips as a hard limit',
    overrides: { stateVisits: 6 },
    steps: [
      ...visits('audit', 6),
      { op: 'transition', toState: 'audit', expect: hard('state_visits') },
    ],
  },
  {
    name: 'the extension is granted once per run',
    steps: [
      { op: 'extend', expect: true },
      { op: 'extend', expect: false },
      { op: 'counters', expect: { transitions: 0, costUsd: 0, extended: true } },
    ],
  },
];

export type BreakerObservation = ExpectedVerdict | boolean | ExpectedCounters;

const SCENARIO_START_MS = 1_000_000;

/** Plays a scenario against a fresh run of `store`; compare `actual` to `expected` with toEqual. */
export async function playBreakerScenario(
  store: BreakerCounterStore,
  scenario: BreakerScenario,
  runId = `scenario:${scenario.name}`,
): Promise<{ expected: BreakerObservation[]; actual: BreakerObservation[] }> {
  const limits = resolveLimits(scenario.overrides);
  await store.start(runId, SCENARIO_START_MS);
  const actual: BreakerObservation[] = [];
  for (const step of scenario.steps) {
    switch (step.op) {
      case 'transition': {
        const nowMs = SCENARIO_START_MS + (step.atMinute ?? 0) * 60_000;
        actual.push(
          observe(await store.tryTransition(runId, { toState: step.toState, nowMs, limits })),
        );
        break;
      }
      case 'cost':
        actual.push(observe(await store.recordCost(runId, step.usd, limits)));
        break;
      case 'extend':
        actual.push(await store.extend(runId));
        break;
      case 'counters': {
        const counters = await store.counters(runId);
        actual.push(
          counters
            ? {
                transitions: counters.transitions,
                costUsd: counters.costUsd,
                extended: counters.extended,
              }
            : { transitions: -1, costUsd: -1, extended: false },
        );
        break;
      }
    }
  }
  return { expected: scenario.steps.map((step) => step.expect), actual };
}

function observe(verdict: BreakerVerdict): ExpectedVerdict {
  return verdict.allowed
    ? { allowed: true }
    : { allowed: false, limit: verdict.limit, soft: verdict.soft };
}
