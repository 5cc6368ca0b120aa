import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContentResponder, startContentResponder } from './content-responder';
import { TestTokenIssuer } from '@postmagiq/platform/testing';

/**
 * What every orchestration integration suite stands up around its replicas: identity (the
 * platform's test token issuer), content answering one workspace's story over NATS, and a data folder.
 */
export interface Testbed {
  identity: TestTokenIssuer;
  content: ContentResponder;
  /** the workspace whose story content knows */
  workspace: string;
  story: string;
  dataDir: string;
  /** Stops identity and content and removes the data folder. */
  stop(): Promise<void>;
}

export async function startTestbed(natsUrl: string, name: string): Promise<Testbed> {
  const workspace = randomUUID();
  const story = randomUUID();
  const identity = await TestTokenIssuer.start();
  let content: ContentResponder;
  try {
    content = await startContentResponder(natsUrl);
  } catch (e) {
    await identity.stop();
    throw e;
  }
  content.addStory(workspace, story);
  const dataDir = mkdtempSync(join(tmpdir(), `pmq-${name}-`));
  return {
    identity,
    content,
    workspace,
    story,
    dataDir,
    async stop() {
      await content.stop();
      await identity.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
