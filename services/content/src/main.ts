/*
 * The content service as its own deployment (Kubernetes): HTTP on PORT, request/reply and the
 * run-finished consumer on NATS. IDENTITY_JWKS_URL must point at identity's JWKS.
 * run: node -r @swc-node/register services/content/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { ConfigError, createApp, PLATFORM_CONFIG, PlatformConfig } from '@postmagiq/platform';
import { ContentAppModule } from './content-app.module';

async function main(): Promise<void> {
  const app = await createApp(ContentAppModule.forRoot(), {
    title: 'Postmagiq content',
    rpcQueue: 'content',
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
