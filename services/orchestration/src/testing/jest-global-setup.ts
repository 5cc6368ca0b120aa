import 'reflect-metadata';
import { startSharedTestInfra } from '@postmagiq/platform/testing';
import { startReplicas } from './replicas';
import { stackReplicaEnv } from './orchestration-stack';
import { startTestbed } from './testbed';

/**
 * One Redis, NATS and embedded Postgres for the feature suites of the run (useOrchestrationStack);
 * a replica boots once here so the migrations have run before suites boot theirs side by side.
 * Suites that kill or replace infrastructure (crash recovery, races) start their own.
 */
export default async function globalSetup(): Promise<void> {
  await startSharedTestInfra(async (infra) => {
    const bed = await startTestbed(infra.natsUrl, 'orchestration-setup');
    try {
      const [replica] = await startReplicas(1, stackReplicaEnv(infra, bed));
      await replica?.app.close();
    } finally {
      await bed.stop();
    }
  });
}
