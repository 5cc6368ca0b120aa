/** Names the two halves of the floor chain (floor.ts, floor-worker.ts) share. */
export const FLOOR_PREFIX = 'pmq';
export const FLOOR_AGENT_QUEUE = 'bench.floor.agents';
export const FLOOR_STEP_QUEUE = 'bench.floor.steps';
export const FLOOR_USAGE_STREAM = 'BENCH_FLOOR_USAGE';
export const FLOOR_USAGE_SUBJECT = 'bench.floor.usage';
