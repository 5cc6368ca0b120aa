import type { INestApplication } from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { createApp, listRoutes, pendingSchemaChanges } from '@postmagiq/platform';
import {
  apiClient,
  freePort,
  nextTestIp,
  startTestInfra,
  TestInfra,
} from '@postmagiq/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { ContentAppModule } from './content-app.module';
import { CONTENT_DB } from './entities';
import { TestCaller, TestTokenIssuer } from './testing/token-issuer';

jest.setTimeout(120_000);

const repoRoot = resolve(__dirname, '../../..');

describe('content service (real Redis, NATS, embedded Postgres with pgvector)', () => {
  let infra: TestInfra;
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let dataDir: string;
  let ds: DataSource;
  let http: ReturnType<typeof apiClient>;
  const ip = nextTestIp();

  beforeAll(async () => {
    [infra, issuer] = await Promise.all([startTestInfra(), new TestTokenIssuer().start()]);
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-content-'));
    const port = await freePort();
    const env = {
      ...infra.env,
      NODE_ENV: 'test',
      PORT: String(port),
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      IDENTITY_JWKS_URL: issuer.jwksUrl,
      RATE_LIMIT_PER_MINUTE: '100000',
      PROMPTS_DIR: join(repoRoot, 'prompts'),
    };
    app = await createApp(ContentAppModule.forRoot(env), { title: 'content', rpcQueue: 'content' });
    await app.listen(port, '127.0.0.1');
    http = apiClient(`http://127.0.0.1:${port}`);
    ds = app.get<DataSource>(getDataSourceToken(CONTENT_DB));
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([infra?.stop(), issuer?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  type Body = Record<string, unknown> & { items?: Record<string, unknown>[] };
  const as =
    (caller: TestCaller) =>
    <T = Body>(method: string, path: string, body?: unknown) =>
      http<T>(method, `/api${path}`, {
        token: caller.token,
        ip,
        ...(body !== undefined ? { body } : {}),
      });

  it('boots with migrations applied and no drift between entities and migrations', async () => {
    expect(await pendingSchemaChanges(ds)).toEqual([]);
    const owner = as(await issuer.caller('owner'));
    expect((await owner('GET', '/voice-profiles')).status).toBe(200);
    expect(listRoutes(app).length).toBeGreaterThan(50);
  });
});
