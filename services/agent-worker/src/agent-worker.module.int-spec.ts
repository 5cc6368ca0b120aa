import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FakeAnthropicServer } from '@postmagiq/agents/testing';
import { AgentJobResultSchema } from '@postmagiq/contracts';
import { HealthRegistry, PlatformCoreModule } from '@postmagiq/platform';
import { AgentWorkerModule } from './agent-worker.module';
import { makeAgentJob, startHarness, type Harness } from './testing/worker-harness';

jest.setTimeout(120_000);

describe('several pools in one process (the one-machine topology)', () => {
  let h: Harness;
  let anthropic: FakeAnthropicServer;
  let app: INestApplicationContext;

  beforeAll(async () => {
    h = await startHarness();
    anthropic = await new FakeAnthropicServer('anthropic-test-key-one-machine').start();
    const env = {
      REDIS_URL: h.redisUrl,
      NATS_URL: h.natsUrl,
      LOG_LEVEL: 'fatal',
      ANTHROPIC_API_KEY: 'anthropic-test-key-one-machine',
      ANTHROPIC_BASE_URL: anthropic.url,
    };
    app = await NestFactory.createApplicationContext(
      {
        module: class OneMachine {},
        imports: [PlatformCoreModule.forRoot(env), ...AgentWorkerModule.forConfiguredBackends(env)],
      },
      { logger: false },
    );
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await h?.stop();
    await anthropic?.close();
  });

  it('runs a pool for simulated and one per configured backend, each on its own queue', async () => {
    const health = await app.get(HealthRegistry).run();
    expect(Object.keys(health.checks).sort()).toEqual([
      'agent-worker:claude',
      'agent-worker:simulated',
      'nats',
      'redis',
    ]);
    expect(health.ok).toBe(true);
    for (const backend of ['simulated', 'claude'] as const) {
      const job = makeAgentJob({ backend });
      // Listen before adding, so a fast completion cannot slip past the listener.
      const events = await h.events(backend);
      const added = await h.queue(backend).add('call', job, { jobId: job.callId });
      const result = AgentJobResultSchema.parse(await added.waitUntilFinished(events, 45_000));
      expect(result.backend).toBe(backend);
    }
    expect(anthropic.requests).toHaveLength(1);
  });
});
