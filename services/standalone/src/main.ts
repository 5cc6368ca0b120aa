/*
 * `npm start`: every service in one process on one port (8080 by default). Redis and NATS come
 * from the operating system (tools/start/start.sh starts them); Postgres is embedded unless
 * DATABASE_URL is set.
 */
import 'reflect-metadata';
import { ConfigError } from '@postmagiq/platform';
import { bootStandalone } from './bootstrap-standalone';

bootStandalone()
  .then(({ url, demo }) => {
    const lines = [
      '',
      `  Postmagiq is running at ${url}`,
      `  API docs:   ${url}/api/docs`,
      `  Demo login: ${demo.email} / ${demo.password}${demo.created ? '   (created now)' : ''}`,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
  })
  .catch((e: unknown) => {
    process.stderr.write(`${e instanceof ConfigError ? e.message : ((e as Error)?.stack ?? String(e))}\n`);
    process.exit(1);
  });
