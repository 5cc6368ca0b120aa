import { PlatformConfig, redisConnectionOptions } from '@postmagiq/platform';
import type { ConnectionOptions } from 'bullmq';

/** The same connection and prefix as the platform's BullMQ root module, for workers built by hand. */
export function bullConnection(config: PlatformConfig): {
  connection: ConnectionOptions;
  prefix: string;
} {
  return {
    connection: { ...redisConnectionOptions(config.REDIS_URL), maxRetriesPerRequest: null },
    prefix: 'pmq',
  };
}
