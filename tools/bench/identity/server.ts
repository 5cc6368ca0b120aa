/*
 * A server under benchmark, in its own process: `identity` (the real service with every platform
 * layer: access log, metrics, guard with JWKS verification, Redis rate limits and revocation
 * check, the /auth/me handler), `bare` (a NestJS Express app with one public endpoint and
 * nothing else) or `floor` (floor-app.ts: the per-request work the issue requires, by hand). All
 * are started by main.ts the same way (same node flags, same env, stdout to a
 * log file, an IPC channel). Reports `{"port": …}` over IPC when listening (and on stdout when run
 * by hand); on the IPC message `stop` it closes the app and exits normally, so `--cpu-prof` writes
 * its profile.
 */
import 'reflect-metadata';
import { Controller, Get, INestApplication, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createApp } from '@postmagiq/platform';
import { IdentityAppModule } from '@postmagiq/identity';
import { createFloorApp } from './floor-app';

@Controller('bare')
class BareController {
  @Get()
  hello(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function start(kind: string | undefined): Promise<{ app: INestApplication; port: number }> {
  const port = Number(process.env['PORT'] ?? 0);
  if (kind === 'bare') {
    const app = await NestFactory.create(BareModule, { logger: false });
    await app.listen(port, '127.0.0.1');
    return { app, port: (app.getHttpServer().address() as { port: number }).port };
  }
  if (kind === 'floor') {
    const app = await createFloorApp({
      redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
      jwksUrl: process.env['IDENTITY_JWKS_URL'] ?? '',
      meBody: JSON.parse(process.env['BENCH_ME_BODY'] ?? 'null'),
    });
    await app.listen(port, '127.0.0.1');
    return { app, port: (app.getHttpServer().address() as { port: number }).port };
  }
  if (kind !== 'identity') throw new Error(`usage: server.ts identity|bare|floor (got ${kind})`);
  // as services/identity/src/main.ts deploys it: with its NATS request/reply handlers
  const app = await createApp(IdentityAppModule.forRoot(), {
    title: 'identity',
    rpcQueue: 'identity',
  });
  await app.listen(port, '127.0.0.1');
  return { app, port: (app.getHttpServer().address() as { port: number }).port };
}

async function main(): Promise<void> {
  const { app, port } = await start(process.argv[2]);
  if (process.send) {
    process.on('message', (m) => {
      if (m !== 'stop') return;
      void app
        .close()
        .catch((e: unknown) => process.stderr.write(`close failed: ${String(e)}\n`))
        .finally(() => process.exit(0));
    });
    process.send({ port });
  } else {
    process.stdout.write(JSON.stringify({ port }) + '\n');
  }
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
