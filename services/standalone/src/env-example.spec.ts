import { agentWorkerEnv } from '@postmagiq/agent-worker';
import { billingEnv } from '@postmagiq/billing';
import { contentEnv } from '@postmagiq/content';
import { identityEnv } from '@postmagiq/identity';
import { orchestrationEnv } from '@postmagiq/orchestration';
import { platformEnv } from '@postmagiq/platform';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** `.env.example` is where an operator learns the configuration: it must name every variable. */
describe('.env.example', () => {
  const text = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
  // set (`NAME=value`), or shown commented out (`# NAME=value`, several related ones on a line)
  const listed = new Set([...text.matchAll(/(?:^|[\s#])([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));

  it.each([
    ['the platform', platformEnv],
    ['identity', identityEnv],
    ['content', contentEnv],
    ['orchestration', orchestrationEnv],
    ['billing', billingEnv],
    ['the agent worker', agentWorkerEnv],
  ])('lists every variable %s reads', (_who, env) => {
    expect(Object.keys(env).filter((name) => !listed.has(name))).toEqual([]);
  });
});
