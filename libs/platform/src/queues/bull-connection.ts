import { BullModule } from '@nestjs/bullmq';
import type { ConnectionOptions } from 'bullmq';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';
import { redisConnectionOptions } from '../redis/redis';

/** Every BullMQ key of Postmagiq starts with this (queues, flows, events). Never change it. */
export const QUEUE_PREFIX = 'pmq';

/**
 * What every BullMQ queue, worker, flow producer and event listener is built with: a connection
 * of its own to REDIS_URL with `maxRetriesPerRequest: null` (BullMQ's blocking commands need it)
 * and the one key prefix, so a queue added here is the queue a worker elsewhere consumes.
 */
export function bullConnection(redisUrl: string): {
  connection: ConnectionOptions;
  prefix: string;
} {
  return {
    connection: { ...redisConnectionOptions(redisUrl), maxRetriesPerRequest: null },
    prefix: QUEUE_PREFIX,
  };
}

/** BullMQ's shared connection for `@nestjs/bullmq` (`BullModule.registerQueue`, `@Processor`). */
export function queueRootModule() {
  return BullModule.forRootAsync({
    inject: [PLATFORM_CONFIG],
    useFactory: (config: PlatformConfig) => bullConnection(config.REDIS_URL),
  });
}
