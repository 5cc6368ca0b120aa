import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { WorkspaceRole } from '@postmagiq/contracts';
import { createApp } from '@postmagiq/platform';
import {
  apiClient,
  type ApiResponse,
  freePort,
  nextTestIp,
  REPO_ROOT,
  suiteTestInfra,
  type TestCaller,
  type TestInfra,
  TestTokenIssuer,
} from '@postmagiq/platform/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { ContentAppModule } from '../content-app.module';
import { CONTENT_DB } from '../entities';

export type Json = Record<string, unknown>;
export type Page = { items: Json[]; total: number; limit: number; offset: number };
export type Problem = {
  type: string;
  status: number;
  detail?: string;
  errors?: { field: string; message: string }[];
};

/** An API client acting as one caller: `(method, path under /api, body?)`. */
export type CallerClient = <T = Json>(
  method: string,
  path: string,
  body?: unknown,
) => Promise<ApiResponse<T>>;

/** A fresh workspace with a member of each role. */
export type TestWorkspace = Record<WorkspaceRole, CallerClient> & { id: string };

/**
 * The content service as every content integration suite boots it: real Redis, NATS and the
 * embedded Postgres (pgvector), the platform's test token issuer as identity, the app on a free
 * port. Call it at the top of a `describe`: it starts everything before the suite's tests and
 * stops it after; its fields are set once the suite runs.
 */
export interface ContentAppFixture {
  infra: TestInfra;
  issuer: TestTokenIssuer;
  app: INestApplication;
  ds: DataSource;
  http: ReturnType<typeof apiClient>;
  /** The client address of every request of the suite (rate limits are per address). */
  ip: string;
  as(caller: TestCaller): CallerClient;
  workspace(): Promise<TestWorkspace>;
}

/** The body of a 201 answer; anything else throws with what came instead. */
export async function created<T = Json>(res: Promise<{ status: number; body: T }>): Promise<T> {
  const r = await res;
  if (r.status !== 201) throw new Error(`expected 201, got ${r.status}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** The content app on `infra` as the suites run it (`env` over the test defaults); not listening yet. */
export function bootContentApp(
  infra: TestInfra,
  env: Record<string, string>,
): Promise<INestApplication> {
  return createApp(
    ContentAppModule.forRoot({
      ...infra.env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      RATE_LIMIT_PER_MINUTE: '100000',
      PROMPTS_DIR: join(REPO_ROOT, 'prompts'),
      ...env,
    }),
    { title: 'content', rpcQueue: 'content' },
  );
}

export function useContentApp(): ContentAppFixture {
  let dataDir: string | undefined;
  const fx = {
    ip: nextTestIp(),
    as(caller: TestCaller): CallerClient {
      return (method, path, body) =>
        fx.http(method, `/api${path}`, {
          token: caller.token,
          ip: fx.ip,
          ...(body !== undefined ? { body } : {}),
        });
    },
    async workspace(): Promise<TestWorkspace> {
      const id = randomUUID();
      const caller = async (role: WorkspaceRole) => fx.as(await fx.issuer.caller(role, id));
      return {
        id,
        owner: await caller('owner'),
        admin: await caller('admin'),
        editor: await caller('editor'),
        viewer: await caller('viewer'),
      };
    },
  } as ContentAppFixture;

  beforeAll(async () => {
    [fx.infra, fx.issuer] = await Promise.all([suiteTestInfra(), TestTokenIssuer.start()]);
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-content-'));
    const port = await freePort();
    fx.app = await bootContentApp(fx.infra, {
      PORT: String(port),
      DATA_DIR: dataDir,
      IDENTITY_JWKS_URL: fx.issuer.jwksUrl,
    });
    await fx.app.listen(port, '127.0.0.1');
    fx.http = apiClient(`http://127.0.0.1:${port}`);
    fx.ds = fx.app.get<DataSource>(getDataSourceToken(CONTENT_DB));
  });

  afterAll(async () => {
    await fx.app?.close();
    await Promise.all([fx.infra?.stop(), fx.issuer?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  return fx;
}
