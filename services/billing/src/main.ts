/*
 * The billing service as its own deployment (Kubernetes): HTTP on PORT, request/reply on NATS,
 * the usage consumer on JetStream.
 * run: node -r @swc-node/register services/billing/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { ConfigError, createApp, PLATFORM_CONFIG, PlatformConfig } from '@postmagiq/platform';
import { BillingAppModule } from './billing-app.module';

async function main(): Promise<void> {
  const app = await createApp(BillingAppModule.forRoot(), {
    title: 'Postmagiq billing',
    rpcQueue: 'billing',
  });
  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  await app.listen(config.PORT, config.HOST);
}

main().catch((e: unknown) => {
  process.stderr.write(
    `${e instanceof ConfigError ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
  );
  process.exit(1);
});
