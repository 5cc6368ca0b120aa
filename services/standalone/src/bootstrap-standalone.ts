import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApp, PLATFORM_CONFIG, PlatformConfig } from '@postmagiq/platform';
import { resolve } from 'node:path';
import { DemoAccount, DemoAccountService } from '@postmagiq/identity';
import { serveConsole } from './console-static';
import { demoCredentials } from './demo-account';
import { StandaloneModule } from './standalone.module';

export interface StandaloneApp {
  app: NestExpressApplication;
  url: string;
  demo: DemoAccount;
  /** Whether the built console is served at `/` (a build exists in WEB_DIST_DIR). */
  console: boolean;
}

/** Boots the one-machine process: migrations run as each service's DataSource starts. */
export async function bootStandalone(env: NodeJS.ProcessEnv = process.env): Promise<StandaloneApp> {
  const webDist = resolve(env['WEB_DIST_DIR'] ?? 'web/dist/web/browser');
  let consoleServed = false;
  const app = await createApp(StandaloneModule.forRoot(env), {
    title: 'Postmagiq',
    rpcQueue: 'standalone',
    configure: (a) => {
      // the built console, when there is one, on the same port as the API
      consoleServed = serveConsole(a, webDist);
    },
  });
  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  await app.listen(config.PORT, config.HOST);
  const creds = demoCredentials(config.DATA_DIR, env);
  const demo = await app.get(DemoAccountService).ensure(creds.email, creds.password);
  const host = config.HOST === '0.0.0.0' ? '127.0.0.1' : config.HOST;
  const address = app.getHttpServer().address() as { port: number } | null;
  return {
    app,
    url: `http://${host}:${address?.port ?? config.PORT}`,
    demo,
    console: consoleServed,
  };
}
