import { loadConfig } from '@postmagiq/platform';
import { z } from 'zod';

/** Variables only orchestration reads (the platform's are read by PlatformModule; backend keys by @postmagiq/agents). */
export const orchestrationEnv = {
  /** Folder of the built-in workflow definitions (`*.yaml`). */
  WORKFLOWS_DIR: z.string().min(1).default('workflows'),
  /** Folder of the persona templates; a definition naming another persona is rejected. */
  PROMPTS_DIR: z.string().min(1).default('prompts'),
  /** Parent (step) jobs processed at once per replica. */
  ORCHESTRATION_STEP_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(32),
  /** BullMQ lock of a step job; a replica that dies mid-step has its job taken over after this. */
  ORCHESTRATION_STEP_LOCK_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  /** How often each replica sweeps for runs a crash left between two steps. */
  ORCHESTRATION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(200).max(600_000).default(5_000),
  /** How long a step may look unfinished before the sweep acts on it (must exceed a normal dispatch). */
  ORCHESTRATION_SWEEP_GRACE_MS: z.coerce.number().int().min(100).max(3_600_000).default(10_000),
  /**
   * `required`: a run starts only once billing placed a hold for it (`billing.hold.place`; refused:
   * 402), and pauses as `awaiting_credit` when billing reports its credit exhausted. `off`: runs
   * start without asking billing (a deployment without the billing service).
   */
  BILLING_HOLDS: z.enum(['required', 'off']).default('required'),
  /** Credit reserved when a run starts (micro-USD), at most the workflow's cost limit; extended as it spends. */
  RUN_HOLD_ESTIMATE_MICROS: z.coerce.number().int().min(0).max(1_000_000_000).default(500_000),
  /** Timeout of the requests to billing. */
  BILLING_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  /** Timeout of the request to content for a run's story, voice and personas. */
  CONTENT_RPC_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
};

export type OrchestrationConfig = ReturnType<typeof loadOrchestrationConfig>;

export function loadOrchestrationConfig(env: NodeJS.ProcessEnv) {
  return loadConfig(orchestrationEnv, env);
}

export const ORCHESTRATION_CONFIG = Symbol('ORCHESTRATION_CONFIG');
