import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import {
  createRootLogger,
  loadPlatformConfig,
  MetricsListener,
  PinoNestLogger,
  PLATFORM_CONFIG,
  PlatformConfig,
  ROOT_LOGGER,
} from '@postmagiq/platform';
import type { Logger } from 'pino';
import { AgentWorkerAppModule } from './agent-worker-app.module';
import { createBackendAdapter, loadAgentWorkerConfig } from './config/agent-worker.config';

/**
 * Boots a worker process: validates its configuration first (a bad variable stops it with a
 * message naming the variable), starts consuming, and serves only /health/live and /health/ready on
 * PORT, and /metrics on METRICS_PORT (0 = a free port). SIGTERM/SIGINT shut it down gracefully.
 */
export async function bootWorker(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ app: INestApplication; port: number; metricsPort: number | undefined }> {
  // every variable is checked before anything connects, so a bad one is the only message
  loadPlatformConfig(env);
  createBackendAdapter(loadAgentWorkerConfig(env).AGENT_BACKEND, env);
  const bootLogger = createRootLogger({
    level: env['LOG_LEVEL'] ?? 'info',
    service: 'agent-worker',
  });
  const app = await NestFactory.create<NestExpressApplication>(AgentWorkerAppModule.forRoot(env), {
    logger: new PinoNestLogger(bootLogger),
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(new PinoNestLogger(app.get<Logger>(ROOT_LOGGER)));
  app.disable('x-powered-by');
  app.enableShutdownHooks();
  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  await app.listen(config.PORT, config.HOST);
  const address = app.getHttpServer().address() as { port: number } | null;
  return { app, port: address?.port ?? config.PORT, metricsPort: app.get(MetricsListener).port };
}
