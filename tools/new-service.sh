#!/usr/bin/env bash
# Creates a new service under services/<name> that already uses the platform's pieces: validated
# configuration, a BullMQ queue (connection, retry policy, job-data parsing, job context), the
# access guard with scopes, serve() as its main, and an integration suite on the testing kit
# (shared infrastructure, test token issuer, route audit). See docs/new-service.md.
# usage: tools/new-service.sh <name> <read-scope> <write-scope>   e.g. billing billing:read billing:manage
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?usage: tools/new-service.sh <name> <read-scope> <write-scope>}
read_scope=${2:?the scope that reads, e.g. billing:read}
write_scope=${3:?the scope that writes, e.g. billing:manage}
[[ $name =~ ^[a-z][a-z0-9]*(-[a-z0-9]+)*$ ]] || { echo "name must be kebab-case: $name" >&2; exit 2; }
root=services/$name
[ -e "$root" ] && { echo "$root exists" >&2; exit 2; }

pascal=$(echo "$name" | awk -F- '{for (i = 1; i <= NF; i++) printf "%s", toupper(substr($i, 1, 1)) substr($i, 2)}')
camel="$(echo "${pascal:0:1}" | tr 'A-Z' 'a-z')${pascal:1}"
upper=$(echo "$name" | tr 'a-z-' 'A-Z_')

bash tools/new-lib.sh "$root" "$name" "scope:$name,type:service"
# services load ES-module-only packages (NestJS 12, jose): the platform's Nest preset compiles them
cat > "$root/jest.config.js" <<JS
module.exports = {
  ...require('../../libs/platform/jest.nest-preset.js'),
  displayName: '$name',
  rootDir: __dirname,
};
JS
node -e '
  const fs = require("node:fs");
  const [name] = process.argv.slice(1);
  const file = "tsconfig.base.json";
  const ts = JSON.parse(fs.readFileSync(file, "utf8"));
  ts.compilerOptions.paths[`@postmagiq/${name}`] = [`services/${name}/src/index.ts`];
  fs.writeFileSync(file, JSON.stringify(ts, null, 2) + "\n");
' "$name"

mkdir -p "$root/src/config" "$root/src/jobs"

cat > "$root/src/config/$name.config.ts" <<TS
import { loadConfig } from '@postmagiq/platform';
import { z } from 'zod';

/** Variables only $name reads (the platform's are read by PlatformModule); each is in .env.example. */
export const ${camel}Env = {
  /** Jobs of \`$name.jobs\` processed at once per replica. */
  ${upper}_JOB_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(4),
};

export type ${pascal}Config = ReturnType<typeof load${pascal}Config>;

export function load${pascal}Config(env: NodeJS.ProcessEnv) {
  return loadConfig(${camel}Env, env);
}

export const ${upper}_CONFIG = Symbol('${upper}_CONFIG');
TS

cat > "$root/src/jobs/$name-jobs.ts" <<TS
import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import {
  DEFAULT_JOB_OPTIONS,
  parseJobData,
  RequestContext,
  runInJobContext,
  withJobContext,
} from '@postmagiq/platform';
import type { Job, Queue } from 'bullmq';
import { z } from 'zod';
import { ${upper}_CONFIG, ${pascal}Config } from '../config/$name.config';

/** The service's queue. Queue names never change once deployed. */
export const ${upper}_QUEUE = '$name.jobs';

/** A job's payload (move it to libs/contracts once another service enqueues it). */
export const ${pascal}JobSchema = z.strictObject({
  workspaceId: z.string().uuid(),
  reference: z.string().min(1).max(100),
});
export type ${pascal}Job = z.infer<typeof ${pascal}JobSchema>;

/** The job id: from what makes the work unique, so a repeated request enqueues nothing new. */
export function ${camel}JobId(workspaceId: string, reference: string): string {
  return \`\${workspaceId}.\${reference}\`;
}

/** Enqueues jobs carrying the request's context, and reads their state within a workspace. */
@Injectable()
export class ${pascal}Jobs {
  constructor(@InjectQueue(${upper}_QUEUE) private readonly queue: Queue) {}

  async enqueue(job: ${pascal}Job): Promise<string> {
    const jobId = ${camel}JobId(job.workspaceId, job.reference);
    await this.queue.add('job', withJobContext(${pascal}JobSchema.parse(job)), {
      ...DEFAULT_JOB_OPTIONS,
      jobId,
    });
    return jobId;
  }

  /** A job's state, or null when the workspace has no such job. */
  async state(
    workspaceId: string,
    reference: string,
  ): Promise<{ state: string; result: unknown } | null> {
    const job = await this.queue.getJob(${camel}JobId(workspaceId, reference));
    if (!job) return null;
    return { state: await job.getState(), result: job.returnvalue ?? null };
  }
}

/** Handles \`$name.jobs\`: the payload parsed (an invalid one fails for good), in the job's context. */
@Processor(${upper}_QUEUE)
export class ${pascal}Processor extends WorkerHost implements OnModuleInit {
  private readonly logger = new Logger('${pascal}Processor');

  constructor(@Inject(${upper}_CONFIG) private readonly config: ${pascal}Config) {
    super();
  }

  onModuleInit(): void {
    this.worker.concurrency = this.config.${upper}_JOB_CONCURRENCY;
  }

  process(job: Job): Promise<{ reference: string; requestId: string | null }> {
    return runInJobContext(job, async () => {
      const data = parseJobData(job, ${pascal}JobSchema, '$name job', this.logger);
      return { reference: data.reference, requestId: RequestContext.get()?.requestId ?? null };
    });
  }
}
TS

cat > "$root/src/$name.controller.ts" <<TS
import { Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal, Problems, Scopes, ZodBody } from '@postmagiq/platform';
import { z } from 'zod';
import { ${pascal}Jobs } from './jobs/$name-jobs';

const EnqueueRequestSchema = z.strictObject({ reference: z.string().min(1).max(100) });

/** \`/api/$name\`: jobs of the caller's workspace. */
@ApiTags('$name')
@Controller('$name/jobs')
export class ${pascal}Controller {
  constructor(private readonly jobs: ${pascal}Jobs) {}

  @ApiOperation({ summary: 'Enqueue a job (the same reference twice is one job)' })
  @Post()
  @HttpCode(202)
  @Scopes('${write_scope}')
  async enqueue(
    @CurrentPrincipal() p: Principal,
    @ZodBody(EnqueueRequestSchema) body: z.infer<typeof EnqueueRequestSchema>,
  ): Promise<{ reference: string }> {
    await this.jobs.enqueue({ workspaceId: p.workspaceId, reference: body.reference });
    return { reference: body.reference };
  }

  @ApiOperation({ summary: "A job's state" })
  @Get(':reference')
  @Scopes('${read_scope}')
  async state(
    @CurrentPrincipal() p: Principal,
    @Param('reference') reference: string,
  ): Promise<{ reference: string; state: string; result: unknown }> {
    const found = await this.jobs.state(p.workspaceId, reference);
    if (!found) throw Problems.notFound('job');
    return { reference, ...found };
  }
}
TS

cat > "$root/src/$name.module.ts" <<TS
import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { PLATFORM_ENV } from '@postmagiq/platform';
import { ${upper}_CONFIG, load${pascal}Config } from './config/$name.config';
import { ${upper}_QUEUE, ${pascal}Jobs, ${pascal}Processor } from './jobs/$name-jobs';
import { ${pascal}Controller } from './$name.controller';

/**
 * The $name service as a module: booted alone by main.ts, or with the others by the standalone
 * process. Needs PlatformModule in the same application.
 */
@Module({
  imports: [
    // route audits (listRoutes) walk the controllers through it
    DiscoveryModule,
    BullModule.registerQueue({ name: ${upper}_QUEUE }),
  ],
  controllers: [${pascal}Controller],
  providers: [
    {
      provide: ${upper}_CONFIG,
      inject: [PLATFORM_ENV],
      useFactory: (env: NodeJS.ProcessEnv) => load${pascal}Config(env),
    },
    ${pascal}Jobs,
    ${pascal}Processor,
  ],
})
export class ${pascal}Module {}
TS

cat > "$root/src/$name-app.module.ts" <<TS
import { DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@postmagiq/platform';
import { ${pascal}Module } from './$name.module';

/** The $name service deployed alone. */
@Module({})
export class ${pascal}AppModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    return {
      module: ${pascal}AppModule,
      imports: [PlatformModule.forRoot({ env: { SERVICE_NAME: '$name', ...env } }), ${pascal}Module],
    };
  }
}
TS

cat > "$root/src/main.ts" <<TS
/*
 * The $name service as its own deployment: HTTP on PORT, its queue's worker on BullMQ.
 * run: node -r @swc-node/register services/$name/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { serve } from '@postmagiq/platform';
import { ${pascal}AppModule } from './$name-app.module';

serve(${pascal}AppModule.forRoot(), { title: 'Postmagiq $name' });
TS

cat > "$root/src/index.ts" <<TS
// The public API of @postmagiq/$name: its module (for the standalone process) and its variables.
export { ${camel}Env } from './config/$name.config';
export { ${pascal}AppModule } from './$name-app.module';
export { ${pascal}Module } from './$name.module';
TS

cat > "$root/src/$name.int-spec.ts" <<TS
import type { INestApplication } from '@nestjs/common';
import { bullConnection, createApp, listRoutes } from '@postmagiq/platform';
import {
  apiClient,
  freePort,
  nextTestIp,
  suiteTestInfra,
  type TestInfra,
  TestTokenIssuer,
  waitFor,
} from '@postmagiq/platform/testing';
import { Queue, QueueEvents } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ${pascal}AppModule } from './$name-app.module';
import { ${upper}_QUEUE } from './jobs/$name-jobs';

jest.setTimeout(120_000);

describe('$name service (real Redis, NATS, embedded Postgres)', () => {
  let infra: TestInfra;
  let issuer: TestTokenIssuer;
  let app: INestApplication;
  let dataDir: string;
  let http: ReturnType<typeof apiClient>;
  const ip = nextTestIp();

  beforeAll(async () => {
    [infra, issuer] = await Promise.all([suiteTestInfra(), TestTokenIssuer.start()]);
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-$name-'));
    const port = await freePort();
    app = await createApp(
      ${pascal}AppModule.forRoot({
        ...infra.env,
        NODE_ENV: 'test',
        LOG_LEVEL: 'warn',
        PORT: String(port),
        DATA_DIR: dataDir,
        IDENTITY_JWKS_URL: issuer.jwksUrl,
      }),
      { title: '$name' },
    );
    await app.listen(port, '127.0.0.1');
    http = apiClient(\`http://127.0.0.1:\${port}\`);
  });

  afterAll(async () => {
    await app?.close();
    await Promise.all([infra?.stop(), issuer?.stop()]);
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('guards every route: only probes are public, every other route names its scopes', () => {
    const routes = listRoutes(app);
    expect(
      routes
        .filter((r) => r.isPublic)
        .map((r) => \`\${r.method} \${r.path}\`)
        .sort(),
    ).toEqual(['GET /health/live', 'GET /health/ready', 'GET /metrics']);
    for (const r of routes.filter((r) => !r.isPublic))
      expect({ route: \`\${r.method} \${r.path}\`, scopes: r.scopes }).toEqual({
        route: \`\${r.method} \${r.path}\`,
        scopes: [expect.stringMatching(/^[a-z]+:[a-z]+\$/)],
      });
  });

  it('runs a job enqueued through the API in the request that enqueued it; other workspaces see none', async () => {
    const owner = await issuer.caller('owner');
    const stranger = await issuer.caller('owner');
    const requestId = randomUUID();
    const reference = \`ref-\${randomUUID().slice(0, 8)}\`;
    const enqueued = await http('POST', '/api/$name/jobs', {
      token: owner.token,
      ip,
      body: { reference },
      headers: { 'x-request-id': requestId },
    });
    expect(enqueued.status).toBe(202);
    const done = await waitFor(
      async () => {
        const res = await http<{ state: string; result: unknown }>(
          'GET',
          \`/api/$name/jobs/\${reference}\`,
          { token: owner.token, ip },
        );
        return res.body.state === 'completed' ? res.body : null;
      },
      20_000,
      'the job to complete',
    );
    expect(done.result).toEqual({ reference, requestId });
    const foreign = await http('GET', \`/api/$name/jobs/\${reference}\`, {
      token: stranger.token,
      ip,
    });
    expect(foreign.status).toBe(404);
  });

  it('refuses a bad body naming the field, and a caller without the token', async () => {
    const owner = await issuer.caller('owner');
    const bad = await http<{ errors: { field: string }[] }>('POST', '/api/$name/jobs', {
      token: owner.token,
      ip,
      body: { reference: '' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]?.field).toBe('reference');
    expect((await http('GET', '/api/$name/jobs/x', { ip })).status).toBe(401);
  });

  it('fails a job whose payload does not fit at once and for good', async () => {
    const queue = new Queue(${upper}_QUEUE, bullConnection(infra.redisUrl));
    const events = new QueueEvents(${upper}_QUEUE, bullConnection(infra.redisUrl));
    try {
      await events.waitUntilReady();
      const job = await queue.add('job', { reference: 42 }, { attempts: 5 });
      await expect(job.waitUntilFinished(events, 10_000)).rejects.toThrow(
        /^invalid $name job payload: /,
      );
      expect(await job.getState()).toBe('failed');
    } finally {
      await events.close();
      await queue.close();
    }
  });
});
TS

npx prettier --write "$root" tsconfig.base.json --log-level warn
echo "created $root (@postmagiq/$name). Still to do by hand:"
echo "  - add ${upper}_JOB_CONCURRENCY (and your variables) to .env.example and ${camel}Env to"
echo "    services/standalone/src/env-example.spec.ts"
echo "  - import ${pascal}Module into services/standalone (the one-machine process)"
echo "  - check: npx nx run $name:lint && npx nx run $name:typecheck && npx nx run $name:test"
