import {
  apiClient,
  freePort,
  nextTestIp,
  openConnections,
  probeUpgrade,
  settledConnections,
  startTestInfra,
  TestInfra,
  upgradeAndLeave,
} from '@postmagiq/platform/testing';
import { RUN_STREAM_PROTOCOL } from '@postmagiq/contracts';
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { bootStandalone, StandaloneApp } from './bootstrap-standalone';

jest.setTimeout(120_000);

/**
 * What an outside tester tried against `npm start` (issue 17), on the composed one-machine process
 * where every module shares one HTTP server: each class of finding stays fixed.
 */
describe('the one-machine stack against an outside tester', () => {
  let infra: TestInfra;
  let dataDir: string;
  let standalone: StandaloneApp;
  let api: ReturnType<typeof apiClient>;
  let server: Server;

  beforeAll(async () => {
    infra = await startTestInfra();
    dataDir = mkdtempSync(join(tmpdir(), 'pmq-hardening-'));
    const port = await freePort();
    standalone = await bootStandalone({
      ...infra.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
    });
    api = apiClient(standalone.url);
    server = standalone.app.getHttpServer() as Server;
  });

  afterAll(async () => {
    await standalone?.app.close();
    await infra?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  describe('upgrade requests', () => {
    it('answers every upgrade it does not serve and holds no socket for it, including clients that go away', async () => {
      const paths = [
        '/',
        '/api/health/live',
        '/health/ready',
        '/api/auth/login',
        `/api/workflows/runs/not-a-uuid/stream`,
        '/api/workflows/runs/%zz/stream',
      ];
      const probes = await Promise.all(
        Array.from({ length: 120 }, (_, i) =>
          probeUpgrade(
            standalone.url,
            paths[i % paths.length] as string,
            i % 2 ? 'websocket' : 'h2c',
          ),
        ),
      );
      for (const [i, probe] of probes.entries()) {
        const path = paths[i % paths.length] as string;
        expect({ path, closedByServer: probe.closedByServer }).toEqual({
          path,
          closedByServer: true,
        });
        // a run-stream path with a malformed id is the stream's to refuse (400), except that an
        // h2c upgrade there is no WebSocket handshake either (400 from the handshake)
        expect([path, probe.status]).toEqual([path, path.includes('/stream') ? 400 : 404]);
      }
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          upgradeAndLeave(
            standalone.url,
            paths[i % paths.length] as string,
            i % 2 ? 'websocket' : 'h2c',
          ),
        ),
      );
      expect(await settledConnections(server)).toBe(0);
    });

    it('still serves the run stream: a well-formed upgrade is a WebSocket that refuses a missing token with 4401', async () => {
      const ws = new WebSocket(
        `${standalone.url.replace('http', 'ws')}/api/workflows/runs/${randomUUID()}/stream`,
        RUN_STREAM_PROTOCOL,
      );
      const opened = await new Promise<boolean>((resolve) =>
        ws.once('open', () => resolve(true)).once('error', () => resolve(false)),
      );
      expect(opened).toBe(true);
      expect(await openConnections(server)).toBeGreaterThanOrEqual(1);
      ws.send(JSON.stringify({ type: 'hello' }));
      const code = await new Promise<number>((resolve) => ws.once('close', (c) => resolve(c)));
      expect(code).toBe(4401);
      expect(await settledConnections(server)).toBe(0);
    });
  });

  it('keeps serving plain requests', async () => {
    expect((await api('GET', '/health/live', { ip: nextTestIp() })).status).toBe(200);
  });
});
