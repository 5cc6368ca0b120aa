import { ConfigError } from '@postmagiq/platform';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCredentials } from './demo-account';

describe('demoCredentials', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'pmq-demo-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates a login once, keeps it private in the data folder, and answers it again', () => {
    const first = demoCredentials(dir, {});
    expect(first.email).toBe('demo@postmagiq.local');
    expect(first.password.length).toBeGreaterThanOrEqual(12);
    const file = join(dir, 'demo-account.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(first);
    expect(demoCredentials(dir, {})).toEqual(first);
  });

  it('takes DEMO_EMAIL as login reads it: trimmed and lowercased', () => {
    const creds = demoCredentials(dir, {
      DEMO_EMAIL: ' Demo@Example.COM ',
      DEMO_PASSWORD: 'a long enough password',
    });
    expect(creds).toEqual({ email: 'demo@example.com', password: 'a long enough password' });
  });

  it('stops with a message naming a malformed DEMO_EMAIL or a too short DEMO_PASSWORD, writing nothing', () => {
    expect(() => demoCredentials(dir, { DEMO_EMAIL: 'not-an-email' })).toThrow(ConfigError);
    expect(() => demoCredentials(dir, { DEMO_EMAIL: 'not-an-email' })).toThrow(/DEMO_EMAIL/);
    expect(() => demoCredentials(dir, { DEMO_PASSWORD: 'short' })).toThrow(/DEMO_PASSWORD/);
    expect(() => statSync(join(dir, 'demo-account.json'))).toThrow();
  });
});
