/*
 * An agent-worker pool member as its own deployment: AGENT_BACKEND=claude|gemini|openai|ollama|simulated
 * consumes `agents.<backend>`; health on PORT, metrics on METRICS_PORT.
 * run: AGENT_BACKEND=simulated node -r @swc-node/register services/agent-worker/src/main.ts  (SWC_NODE_PROJECT=tsconfig.base.json)
 */
import 'reflect-metadata';
import { ConfigError } from '@postmagiq/platform';
import { bootWorker } from './bootstrap-worker';

bootWorker()
  .then(({ port, metricsPort }) => {
    // one machine-readable line, so supervisors and tests know the worker is consuming
    process.stdout.write(
      `${JSON.stringify({ agentWorker: 'ready', backend: process.env['AGENT_BACKEND'], pid: process.pid, port, metricsPort })}\n`,
    );
  })
  .catch((e: unknown) => {
    process.stderr.write(
      `${e instanceof ConfigError ? e.message : ((e as Error)?.stack ?? String(e))}\n`,
    );
    process.exit(1);
  });
