/*
 * A platform application with a BullMQ worker, in a process of its own, for shutdown tests:
 * configured from the environment (REDIS_URL, NATS_URL, PORT, SHUTDOWN_TIMEOUT_MS); prints
 * `ready` once it listens.
 * usage: node -r @swc-node/register queue-app.main.ts
 */
import 'reflect-metadata';
import {
  Inject,
  Injectable,
  Module,
  OnApplicationBootstrap,
  OnModuleDestroy,
} from '@nestjs/common';
import { Worker } from 'bullmq';
import { createApp } from '../bootstrap';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { PlatformModule } from '../platform.module';
import { redisConnectionOptions } from '../redis/redis';

@Injectable()
class EchoWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private worker?: Worker;

  constructor(@Inject(PLATFORM_CONFIG) private readonly config: PlatformConfig) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker('echo', async (job) => job.data, {
      connection: { ...redisConnectionOptions(this.config.REDIS_URL), maxRetriesPerRequest: null },
      prefix: 'pmq-test',
    });
    this.worker.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.worker?.close();
  }
}

@Module({ imports: [PlatformModule.forRoot()], providers: [EchoWorker] })
class QueueAppModule {}

async function main(): Promise<void> {
  const app = await createApp(QueueAppModule, { title: 'queue-app' });
  await app.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error)?.stack ?? String(e)}\n`);
  process.exit(1);
});
