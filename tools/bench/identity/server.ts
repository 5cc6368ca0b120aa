/*
 * A server under benchmark, in its own process: `identity` (the real service with every platform
 * layer: access log, metrics, guard with JWKS verification, Redis rate limits and revocation
 * check, a database read) or `bare` (a NestJS Express app with one public endpoint and nothing
 * else). Prints `{"port": …}` when listening.
 */
import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createApp } from '@postmagiq/platform';
import { IdentityAppModule } from '@postmagiq/identity';

@Controller('bare')
class BareController {
  @Get()
  hello(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind === 'bare') {
    const app = await NestFactory.create(BareModule, { logger: false });
    await app.listen(0, '127.0.0.1');
    process.stdout.write(JSON.stringify({ port: (app.getHttpServer().address() as { port: number }).port }) + '\n');
    return;
  }
  const port = Number(process.env['PORT']);
  const app = await createApp(IdentityAppModule.forRoot(), { title: 'identity' });
  await app.listen(port, '127.0.0.1');
  process.stdout.write(JSON.stringify({ port }) + '\n');
}

main().catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + '\n');
  process.exit(1);
});
