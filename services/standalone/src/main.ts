/*
 * `npm start`: every service in one process on one port (8080 by default). Redis and NATS come
 * from the operating system (tools/start/start.sh starts them); Postgres is embedded unless
 * DATABASE_URL is set. With POSTMAGIQ_MAIN_JOB=1 (`npm run demo`) it then runs the main job —
 * the default workflow for the demo workspace's story, as any API client would, over HTTP and the
 * run's WebSocket — prints the finished post, and keeps serving.
 */
import 'reflect-metadata';
import { mainJobOptions, runMainJob } from '@postmagiq/orchestration';
import { ConfigError } from '@postmagiq/platform';
import { resolve } from 'node:path';
import { bootStandalone } from './bootstrap-standalone';

async function mainJob(url: string): Promise<void> {
  const result = await runMainJob(mainJobOptions([], { ...process.env, POSTMAGIQ_URL: url }), {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(
    `\n  Main job ${result.status}. Postmagiq keeps serving at ${url} (Ctrl-C to stop).\n\n`,
  );
}

bootStandalone()
  .then(({ url, demo, console }) => {
    const lines = [
      '',
      `  Postmagiq is running at ${url}/`,
      console
        ? `  Console:    ${url}/ (sign in with the demo login below)`
        : `  Console:    not built (npm start builds it; or: npx nx run web:build)`,
      `  API docs:   ${url}/api/docs`,
      demo.password === null
        ? `  Demo login: ${demo.email} with the saved password opens no account of this database ` +
          `(its password was changed, or the database was set up elsewhere); set DEMO_EMAIL and ` +
          `DEMO_PASSWORD to a working login`
        : `  Demo login: ${demo.email} / ${demo.password}${demo.created ? '   (created now)' : ''}`,
      ...(process.env['LOG_FILE'] ? [`  Logs:       ${resolve(process.env['LOG_FILE'])}`] : []),
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    if (process.env['POSTMAGIQ_MAIN_JOB'] === '1') {
      mainJob(url).catch((e: unknown) => {
        process.stderr.write(
          `postmagiq: the main job failed: ${(e as Error)?.message ?? String(e)}\n`,
        );
        process.exitCode = 1;
      });
    }
  })
  .catch((e: unknown) => {
    process.stderr.write(
      `${e instanceof ConfigError ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
    );
    process.exit(1);
  });
