import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { PLATFORM_CONFIG, PlatformConfig } from '../config/config';

/** The shared ioredis client (rate limits, revocations, breaker counters). */
@Injectable()
export class RedisService implements OnApplicationShutdown {
  readonly client: Redis;
  private readonly logger = new Logger('Redis');

  constructor(@Inject(PLATFORM_CONFIG) config: PlatformConfig) {
    this.client = new Redis(config.REDIS_URL, {
      maxRetriesPerRequest: 2,
      enableAutoPipelining: true,
      connectionName: config.SERVICE_NAME,
    });
    this.client.on('error', (err) => this.logger.warn(`redis: ${err.message}`));
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT needs a live server; with Redis gone it would wait for reconnects that never succeed
    if (this.client.status !== 'ready') return this.client.disconnect();
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

/** BullMQ wants its own connections with `maxRetriesPerRequest: null`; this derives the options. */
export function redisConnectionOptions(url: string): {
  host: string;
  port: number;
  username?: string;
  password?: string;
  db?: number;
  tls?: object;
} {
  const u = new URL(url);
  const out: {
    host: string;
    port: number;
    username?: string;
    password?: string;
    db?: number;
    tls?: object;
  } = {
    host: u.hostname,
    port: Number(u.port || 6379),
  };
  if (u.username) out.username = decodeURIComponent(u.username);
  if (u.password) out.password = decodeURIComponent(u.password);
  const db = u.pathname.replace('/', '');
  if (db) out.db = Number(db);
  if (u.protocol === 'rediss:') out.tls = {};
  return out;
}
