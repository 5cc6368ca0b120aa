import { EmailSchema, PasswordSchema } from '@postmagiq/contracts';
import { loadConfig } from '@postmagiq/platform';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface DemoCredentials {
  email: string;
  password: string;
}

/**
 * Credentials of the demo account: DEMO_EMAIL / DEMO_PASSWORD, or generated once and kept in
 * DATA_DIR/demo-account.json (mode 0600) so every start can print the same login. The variables
 * are validated like a registration (an email is lowercased, as login does): a bad one stops the
 * start with a message naming it.
 */
export function demoCredentials(dataDir: string, env: NodeJS.ProcessEnv): DemoCredentials {
  const given = loadConfig(
    { DEMO_EMAIL: EmailSchema.optional(), DEMO_PASSWORD: PasswordSchema.optional() },
    env,
  );
  const file = join(dataDir, 'demo-account.json');
  if (given.DEMO_EMAIL && given.DEMO_PASSWORD)
    return { email: given.DEMO_EMAIL, password: given.DEMO_PASSWORD };
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials;
  const creds = {
    email: given.DEMO_EMAIL ?? 'demo@postmagiq.local',
    password: given.DEMO_PASSWORD ?? randomBytes(12).toString('base64url'),
  };
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(creds, null, 2) + '\n', { mode: 0o600 });
  return creds;
}
