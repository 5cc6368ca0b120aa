import type { INestApplication } from '@nestjs/common';
import { createApp, MetricsService } from '@postmagiq/platform';
import { STEP_JOBS_METRIC } from '../engine/step.processor';
import { apiClient, freePort } from '@postmagiq/platform/testing';
import { OrchestrationAppModule } from '../orchestration-app.module';

export interface Replica {
  app: INestApplication;
  url: string;
  api: ReturnType<typeof apiClient>;
  /** Step jobs this replica has processed so far (its `orchestration_step_jobs_total`). */
  stepJobs(): Promise<number>;
}

async function stepJobsOf(app: INestApplication): Promise<number> {
  const metric = app.get(MetricsService).registry.getSingleMetric(STEP_JOBS_METRIC);
  return (await metric?.get())?.values[0]?.value ?? 0;
}

/**
 * Orchestration replicas in this process on 127.0.0.1, booted one after the other (the first
 * runs the migrations). `env` (infrastructure URLs, DATA_DIR, IDENTITY_JWKS_URL, …) goes over the
 * test defaults; each replica gets a port of its own. Replicas started before a failure are closed.
 */
export async function startReplicas(
  count: number,
  env: Record<string, string>,
): Promise<Replica[]> {
  const replicas: Replica[] = [];
  try {
    for (let i = 0; i < count; i += 1) {
      const port = await freePort();
      const app = await createApp(
        OrchestrationAppModule.forRoot({
          NODE_ENV: 'test',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'warn',
          // suites poll run details as one user far faster than anyone would (rate limits are
          // the platform's tests, not these)
          RATE_LIMIT_PER_MINUTE: '1000',
          // billing's part is its own suite (billing-gate.int-spec.ts), which turns holds on
          BILLING_HOLDS: 'off',
          ...env,
          PORT: String(port),
        }),
        { title: `orchestration-${i}` },
      );
      await app.listen(port, '127.0.0.1');
      const url = `http://127.0.0.1:${port}`;
      replicas.push({ app, url, api: apiClient(url), stepJobs: () => stepJobsOf(app) });
    }
    return replicas;
  } catch (error) {
    for (const r of replicas) await r.app.close();
    throw error;
  }
}
