/*
 * The README's main job through the services (the one-machine stack must be running):
 *   npx tsx --tsconfig tsconfig.base.json services/orchestration/src/demo/main-job.main.ts [--url http://127.0.0.1:8080]
 *     [--story-entry <id>] [--workflow linkedin_post] [--no-auto-approve] [--token <access token>]
 * Exit code: 0 completed, 2 halted, 1 anything else.
 */
import { MainJobError, mainJobOptions, runMainJob } from './main-job';

runMainJob(mainJobOptions(process.argv.slice(2), process.env), {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
})
  .then((result) => {
    process.exitCode = result.status === 'completed' ? 0 : result.status === 'halted' ? 2 : 1;
  })
  .catch((e: unknown) => {
    process.stderr.write(
      `postmagiq: ${e instanceof MainJobError ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
    );
    process.exitCode = 1;
  });
