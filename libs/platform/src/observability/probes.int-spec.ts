import type { INestApplication } from '@nestjs/common';
import { Controller, Get, Module } from '@nestjs/common';
import { createApp } from '../bootstrap';
import { Public } from '../auth/decorators';
import { PlatformModule } from '../platform.module';
import { HealthRegistry, READINESS_CACHE_MS } from './health';
import { MetricsListener } from './metrics-listener';
import { freePort, Managed, startNats, startRedis } from '../testing/processes';

@Controller('ping')
class PingController {
  @Public()
  @Get()
  ping(): { pong: true } {
    return { pong: true };
  }
}

/**
 * Probes and scrapes against a platform app on its own Redis and NATS, which the test stops:
 * liveness and metrics must not depend on Redis (the kubelet would restart every pod in a loop),
 * readiness must say 503 and name what is down, and ordinary routes keep their rate limit.
 */
describe('health probes and metrics (real Redis and NATS)', () => {
  let redis: Managed;
  let nats: Managed;
  let app: INestApplication;
  let base: string;
  let metricsBase: string;
  const savedLogLevel = process.env['LOG_LEVEL'];

  beforeAll(async () => {
    [redis, nats] = await Promise.all([startRedis(), startNats()]);
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    @Module({
      imports: [
        PlatformModule.forRoot({
          env: {
            NODE_ENV: 'test',
            PORT: String(port),
            LOG_LEVEL: 'silent',
            REDIS_URL: redis.url,
            NATS_URL: nats.url,
            // never connected to: this app has no entities
            DATABASE_URL: 'postgres://127.0.0.1:1/unused',
            RATE_LIMIT_PER_MINUTE: '5',
            SWAGGER_ENABLED: 'false',
            METRICS_PORT: '0',
          },
        }),
      ],
      controllers: [PingController],
    })
    class ProbeAppModule {}
    // an empty LOG_LEVEL in the process environment is "unset", not a boot crash in pino
    process.env['LOG_LEVEL'] = '';
    app = await createApp(ProbeAppModule, { title: 'probes' });
    await app.listen(port, '127.0.0.1');
    metricsBase = `http://127.0.0.1:${app.get(MetricsListener).port}`;
  }, 60_000);

  afterAll(async () => {
    if (savedLogLevel === undefined) delete process.env['LOG_LEVEL'];
    else process.env['LOG_LEVEL'] = savedLogLevel;
    await app?.close();
    await Promise.all([redis?.stop(), nats?.stop()]);
  });

  const get = (path: string) => fetch(`${path === '/metrics' ? metricsBase : base}${path}`);

  it('serves metrics on their own port only, never on the API port', async () => {
    expect(metricsBase).not.toBe(base);
    expect((await fetch(`${base}/metrics`)).status).toBe(404);
    expect((await fetch(`${base}/api/metrics`)).status).toBe(404);
    const scrape = await fetch(`${metricsBase}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await scrape.text()).toContain('process_cpu_user_seconds_total');
  });

  it('never rate-limits probes and scrapes, while other public routes are limited', async () => {
    const pings: number[] = [];
    for (let i = 0; i < 6; i++) pings.push((await get('/api/ping')).status);
    expect(pings).toEqual([200, 200, 200, 200, 200, 429]);
    for (let i = 0; i < 10; i++) {
      expect((await get('/health/live')).status).toBe(200);
      expect((await get('/health/ready')).status).toBe(200);
      expect((await get('/metrics')).status).toBe(200);
    }
  });

  it('answers a flood of readiness probes from one round of checks', async () => {
    let checks = 0;
    app.get(HealthRegistry).register('counted', async () => {
      checks++;
      await new Promise((r) => setTimeout(r, 50));
    });
    await new Promise((r) => setTimeout(r, READINESS_CACHE_MS + 100)); // past earlier answers
    const statuses = await Promise.all(
      Array.from({ length: 20 }, () => get('/health/ready').then((r) => r.status)),
    );
    expect(statuses).toEqual(Array.from({ length: 20 }, () => 200));
    expect(checks).toBe(1);
  });

  it('keeps liveness and metrics up when Redis is down; readiness answers 503 naming it', async () => {
    await redis.stop();
    expect((await get('/health/live')).status).toBe(200);
    const metrics = await get('/metrics');
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('http_server_request_duration_seconds');
    // readiness answers are reused for a second: wait for one checked after the stop
    let ready = await get('/health/ready');
    for (let i = 0; i < 30 && ready.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready = await get('/health/ready');
    }
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as {
      status: string;
      checks: Record<string, { ok: boolean; error?: string }>;
    };
    expect(body.status).toBe('unavailable');
    expect(body.checks['redis']?.ok).toBe(false);
    expect(body.checks['nats']?.ok).toBe(true);
  }, 30_000);
});
