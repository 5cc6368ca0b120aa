/*
 * The orchestration service as its own deployment (Kubernetes): HTTP + the run WebSocket on PORT,
 * the steps worker on BullMQ, events on NATS. Several replicas share the work.
 * run: node -r @swc-node/register services/orchestration/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { ConfigError, createApp, PLATFORM_CONFIG, PlatformConfig } from '@postmagiq/platform';
import { OrchestrationAppModule } from './orchestration-app.module';

async function main(): Promise<void> {
  const app = await createApp(OrchestrationAppModule.forRoot(), {
    title: 'Postmagiq orchestration',
  });
  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  await app.listen(config.PORT, config.HOST);
  // a supervisor (and the crash tests) wait for this line
  process.stdout.write(
    `${JSON.stringify({ ready: true, port: (app.getHttpServer().address() as { port: number }).port })}\n`,
  );
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${e instanceof ConfigError ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
  );
  process.exit(1);
});
