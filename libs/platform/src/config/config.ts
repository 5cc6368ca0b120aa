import { z } from 'zod';

/**
 * Configuration comes only from environment variables, validated once at boot. A missing or
 * malformed variable stops the process with a message naming it; values marked secret are never
 * printed (not even in that message).
 */
export class ConfigError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${issues.map((i) => `  - ${i.variable}: ${i.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

const SECRET = Symbol.for('postmagiq.config.secret');

/** Marks a schema as holding a secret: it is redacted by `describeConfig` and logs. */
export function secret<T extends z.ZodType>(schema: T): T {
  (schema as unknown as Record<symbol, boolean>)[SECRET] = true;
  return schema;
}

export function isSecret(schema: z.ZodType): boolean {
  let s: z.ZodType | undefined = schema;
  // unwrap optional/default wrappers, which carry the mark on their inner type
  for (let i = 0; s && i < 5; i++) {
    if ((s as unknown as Record<symbol, boolean>)[SECRET]) return true;
    const inner: z.ZodType | undefined = (s as unknown as { def?: { innerType?: z.ZodType } }).def
      ?.innerType;
    s = inner;
  }
  return false;
}

export type EnvShape = Record<string, z.ZodType>;

export function loadConfig<S extends EnvShape>(
  shape: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<z.ZodObject<S>> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(shape)) {
    const raw = env[key];
    input[key] = raw === '' ? undefined : raw;
  }
  const result = z.object(shape).safeParse(input);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '?'),
        message: input[String(issue.path[0])] === undefined ? 'is required' : issue.message,
      })),
    );
  }
  return result.data as z.infer<z.ZodObject<S>>;
}

/** The configuration with secrets replaced by `[redacted]`, for a boot log line. */
export function describeConfig(shape: EnvShape, config: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    const schema = shape[key];
    out[key] = schema && isSecret(schema) && value !== undefined ? '[redacted]' : value;
  }
  return out;
}

const port = z.coerce.number().int().min(0).max(65535);
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

/** Variables every service reads. */
export const platformEnv = {
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  SERVICE_NAME: z.string().min(1).default('postmagiq'),
  HOST: z.string().min(1).default('0.0.0.0'),
  PORT: port.default(8080),
  /**
   * Where Prometheus scrapes `GET /metrics`: a port of its own, never the API port (the ingress does
   * not route to it). Unset: no metrics are served. 0 picks a free port.
   */
  METRICS_PORT: port.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * Append the JSON log lines to this file instead of standard output (`npm run demo` does). Read
   * from the process environment by the first logger (one destination per process); validated
   * here like every variable.
   */
  LOG_FILE: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** Postgres URL; unset = embedded PGlite server under DATA_DIR/pg. */
  DATABASE_URL: secret(z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: secret(z.url({ protocol: /^rediss?$/ }).default('redis://127.0.0.1:6379')),
  NATS_URL: z.url({ protocol: /^(nats|tls)$/ }).default('nats://127.0.0.1:4222'),
  /** Where verifiers fetch identity's public keys; unset = this process's own identity route. */
  IDENTITY_JWKS_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Express `trust proxy`: which hops may set X-Forwarded-For (used for per-IP limits). */
  TRUST_PROXY: z.string().default('loopback'),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(100),
  RATE_LIMIT_LOGIN_PER_MINUTE: z.coerce.number().int().min(1).default(10),
  /** Serve the OpenAPI document and its UI at /api/docs (off in the chart's production values). */
  SWAGGER_ENABLED: bool.default(true),
  /**
   * Strict-Transport-Security: `auto` on answers to requests that came over TLS (directly, or as
   * X-Forwarded-Proto: https from a proxy TRUST_PROXY trusts), `always`, or `off`.
   */
  HSTS: z.enum(['auto', 'always', 'off']).default('auto'),
  /** After SIGTERM/SIGINT, how long a graceful shutdown may take before the process exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(100).default(30_000),
};

export type PlatformConfig = z.infer<z.ZodObject<typeof platformEnv>>;

export function loadPlatformConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  return loadConfig(platformEnv, env);
}

export const PLATFORM_CONFIG = Symbol('PLATFORM_CONFIG');
