import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { RequestContext } from './context/request-context';
import { toProblem } from './errors/problem';
import { PLATFORM_CONFIG, PlatformConfig, platformEnv } from './config/config';
import { httpContextMiddlewares } from './logging/http-logging';
import { createRootLogger, flushLogs, PinoNestLogger, ROOT_LOGGER } from './logging/logger';
import { natsMicroserviceStrategy } from './nats/nats';
import { methodNotAllowed } from './http/method-not-allowed';
import { securityHeaders } from './http/security-headers';
import { API_PREFIX, httpRoutes, UNPREFIXED_PATHS } from './http/route-table';
import { MetricsService } from './observability/metrics';
import { completeOpenApiDocument } from './openapi/openapi-document';
import { inputSafety } from './validation/input-safety';

export interface CreateAppOptions {
  title: string;
  /** NATS queue group for this process's request/reply handlers (omit when it has none). */
  rpcQueue?: string;
  /** Extra Express setup before Nest's router (e.g. the console's static files). */
  configure?: (app: NestExpressApplication) => void;
}

/**
 * Creates a service's HTTP application the same way everywhere: JSON logs, `/api` prefix (health
 * and metrics stay at the root for probes), OpenAPI at /api/docs, request/reply handlers on NATS,
 * graceful shutdown. Call `listen()` on the result.
 */
export async function createApp(
  rootModule: Type<unknown> | ReturnType<() => object>,
  options: CreateAppOptions,
): Promise<NestExpressApplication> {
  const bootLogger = createRootLogger({ level: bootLogLevel(process.env['LOG_LEVEL']) });
  const app = await NestFactory.create<NestExpressApplication>(rootModule as Type<unknown>, {
    logger: new PinoNestLogger(bootLogger),
    bufferLogs: true,
    abortOnError: false,
    // parsers are mounted below, followed by a handler that turns their errors into problem+json
    bodyParser: false,
    // the JSON parser keeps the raw bytes as `req.rawBody`: webhook signatures (Stripe) are over them
    rawBody: true,
  });
  const config = app.get<PlatformConfig>(PLATFORM_CONFIG);
  const logger = app.get<Logger>(ROOT_LOGGER);
  app.useLogger(new PinoNestLogger(logger));
  app.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  app.disable('x-powered-by');
  for (const mw of securityHeaders(config.HSTS)) app.use(mw);
  for (const mw of httpContextMiddlewares(logger, app.get(MetricsService))) app.use(mw);
  app.useBodyParser('json', { limit: '1mb' });
  app.use(methodNotAllowed(app));
  // NUL and other control characters, and absurd nesting, are refused here for every route
  app.use(inputSafety);
  app.use(bodyParserErrors);
  options.configure?.(app);
  app.setGlobalPrefix(API_PREFIX, {
    exclude: UNPREFIXED_PATHS.map((path) => ({ path: path.slice(1), method: RequestMethod.GET })),
  });
  if (config.SWAGGER_ENABLED) setupOpenApi(app, options.title);
  if (options.rpcQueue) {
    // handlers run in the caller's request context (ContextServerNats)
    app.connectMicroservice(natsMicroserviceStrategy(config, options.rpcQueue), {
      inheritAppConfig: true,
    });
    await app.startAllMicroservices();
  }
  app.enableShutdownHooks();
  exitAfterShutdownDeadline(config.SHUTDOWN_TIMEOUT_MS);
  return app;
}

let shutdownDeadlineArmed = false;

/**
 * A graceful shutdown can wait forever on a dependency that is gone (BullMQ workers closing
 * against a dead Redis): past `ms` after the first SIGTERM/SIGINT the process exits with code 1,
 * saying so, instead of ignoring Ctrl-C. (Kubernetes would SIGKILL it; a person at a terminal
 * should not have to.) One deadline per process, however many applications it runs.
 */
function exitAfterShutdownDeadline(ms: number): void {
  if (shutdownDeadlineArmed) return;
  shutdownDeadlineArmed = true;
  const arm = (signal: NodeJS.Signals) => {
    setTimeout(() => {
      flushLogs();
      process.stderr.write(
        `${signal}: shutdown did not finish within ${ms} ms (SHUTDOWN_TIMEOUT_MS); exiting\n`,
      );
      process.exit(1);
    }, ms).unref();
  };
  process.once('SIGTERM', arm);
  process.once('SIGINT', arm);
}

/**
 * The level of the logger that runs before the configuration is validated. An empty or unknown
 * LOG_LEVEL must not crash pino here with a message that names no variable: it logs at info, and
 * validation then stops the service naming LOG_LEVEL.
 */
export function bootLogLevel(raw: string | undefined): PlatformConfig['LOG_LEVEL'] {
  const parsed = platformEnv.LOG_LEVEL.safeParse(raw === '' ? undefined : raw);
  return parsed.success ? parsed.data : 'info';
}

/**
 * The OpenAPI document at /api/docs/openapi.json (and its UI at /api/docs), completed with what the
 * platform does for every route (`completeOpenApiDocument`).
 */
export function setupOpenApi(app: INestApplication, title: string): void {
  SwaggerModule.setup('api/docs', app, buildOpenApiDocument(app, title), {
    jsonDocumentUrl: 'api/docs/openapi.json',
  });
}

export function buildOpenApiDocument(app: INestApplication, title: string): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription('Postmagiq API. Errors are RFC 9457 problem+json.')
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  return completeOpenApiDocument(document, httpRoutes(app));
}

/** Malformed, oversized or unsafe bodies answer problem+json like every other error. */
function bodyParserErrors(err: unknown, req: Request, res: Response, next: NextFunction): void {
  if (!err) return next();
  const { problem, headers } = toProblem(err);
  problem.instance = req.originalUrl;
  for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  const requestId = RequestContext.get()?.requestId;
  if (requestId) problem.requestId = requestId;
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
