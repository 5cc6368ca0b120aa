import { startTestInfra, type TestInfra } from './processes';

/** Where a jest run's global setup leaves the infrastructure it started, for its suites. */
const SHARED_INFRA_VAR = 'POSTMAGIQ_SHARED_TEST_INFRA';

type SharedInfra = Omit<TestInfra, 'stop'>;

const holder = globalThis as typeof globalThis & { __postmagiqSharedInfra?: TestInfra };

/**
 * A project's jest `globalSetup`: starts Redis, NATS and the embedded Postgres once for all the
 * suites of the run (each suite then boots only its app), and `prepare`s them once — e.g. boots
 * the service so its migrations have run before suites boot it side by side.
 */
export async function startSharedTestInfra(
  prepare?: (infra: TestInfra) => Promise<void>,
): Promise<void> {
  const infra = await startTestInfra();
  holder.__postmagiqSharedInfra = infra;
  try {
    await prepare?.(infra);
  } catch (error) {
    await infra.stop();
    throw error;
  }
  const shared: SharedInfra = {
    redisUrl: infra.redisUrl,
    natsUrl: infra.natsUrl,
    databaseUrl: infra.databaseUrl,
    pids: infra.pids,
    env: infra.env,
  };
  // jest's workers are started after the global setup and inherit its environment
  process.env[SHARED_INFRA_VAR] = JSON.stringify(shared);
}

/** The matching `globalTeardown`. */
export async function stopSharedTestInfra(): Promise<void> {
  await holder.__postmagiqSharedInfra?.stop();
}

/**
 * A suite's infrastructure: the run's shared one when the project's global setup started it
 * (its `stop()` leaves it running for the other suites), else one of the suite's own.
 */
export async function suiteTestInfra(): Promise<TestInfra> {
  const shared = process.env[SHARED_INFRA_VAR];
  if (!shared) return startTestInfra();
  return { ...(JSON.parse(shared) as SharedInfra), stop: async () => undefined };
}
