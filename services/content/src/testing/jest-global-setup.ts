import 'reflect-metadata';
import { startSharedTestInfra, TestTokenIssuer } from '@postmagiq/platform/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootContentApp } from './content-app';

/**
 * One Redis, NATS and embedded Postgres for every content suite of the run; the service boots
 * once here so its migrations have run before the suites boot it side by side.
 */
export default async function globalSetup(): Promise<void> {
  await startSharedTestInfra(async (infra) => {
    const [issuer, dataDir] = [await TestTokenIssuer.start(), mkdtempSync(join(tmpdir(), 'pmq-'))];
    try {
      const app = await bootContentApp(infra, {
        PORT: '0',
        DATA_DIR: dataDir,
        IDENTITY_JWKS_URL: issuer.jwksUrl,
      });
      await app.close();
    } finally {
      await issuer.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
}
