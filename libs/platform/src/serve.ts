import { ConfigError, PLATFORM_CONFIG, PlatformConfig } from './config/config';
import { createApp, CreateAppOptions } from './bootstrap';

/**
 * A service's `main.ts`: boots its root module as its own process (`createApp`), listens on
 * PORT/HOST, then prints one JSON line `{"ready":true,"port":N}` that supervisors and the tests
 * that spawn services wait for. A configuration error prints its message alone (it names the
 * variable) and exits 1; any other boot error prints its stack.
 */
export function serve(
  rootModule: Parameters<typeof createApp>[0],
  options: CreateAppOptions,
): void {
  (async () => {
    const app = await createApp(rootModule, options);
    const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
    await app.listen(config.PORT, config.HOST);
    const port = (app.getHttpServer().address() as { port: number }).port;
    process.stdout.write(`${JSON.stringify({ ready: true, port })}\n`);
  })().catch((e: unknown) => {
    process.stderr.write(
      `${e instanceof ConfigError ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
    );
    process.exit(1);
  });
}
