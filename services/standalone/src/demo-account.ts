import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

export interface DemoCredentials {
  email: string;
  password: string;
}

/**
 * Credentials of the demo account: DEMO_EMAIL / DEMO_PASSWORD, or generated once and kept in
 * DATA_DIR/demo-account.json (mode 0600) so every start can print the same login.
 */
export function demoCredentials(dataDir: string, env: NodeJS.ProcessEnv): DemoCredentials {
  const file = join(dataDir, 'demo-account.json');
  if (env['DEMO_EMAIL'] && env['DEMO_PASSWORD']) return { email: env['DEMO_EMAIL'], password: env['DEMO_PASSWORD'] };
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  const creds = {
    email: env['DEMO_EMAIL'] || 'demo@postmagiq.local',
    password: env['DEMO_PASSWORD'] || randomBytes(12).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}
