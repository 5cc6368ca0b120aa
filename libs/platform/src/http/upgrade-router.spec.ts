import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import {
  openConnections,
  probeUpgrade,
  settledConnections,
  upgradeAndLeave,
} from '../testing/upgrade-probe';
import { refuseUpgrade } from './upgrade-response';
import { UpgradeDispatcher } from './upgrade-router';

/**
 * A real HTTP server with one WebSocket route (`/echo/<digits>`) and one route whose handler never
 * finishes its handshake: whatever else comes as an upgrade must be answered and its socket closed.
 */
describe('UpgradeDispatcher (one owner of the server’s upgrade event)', () => {
  let server: Server;
  let url: string;
  const wss = new WebSocketServer({ noServer: true });
  const dispatcher = new UpgradeDispatcher(300);

  beforeAll(async () => {
    server = createServer((_req, res) => res.end('plain'));
    dispatcher.register({
      name: 'echo',
      matches: (p) => p.startsWith('/echo/'),
      handle(req, socket, head) {
        if (!/^\/echo\/\d+$/.test(new URL(req.url ?? '/', 'http://x').pathname)) {
          refuseUpgrade(socket, 400, 'id: must be digits');
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) =>
          ws.on('message', (m) => ws.send(`echo ${String(m)}`)),
        );
      },
    });
    dispatcher.register({
      name: 'stalls',
      matches: (p) => p === '/stalls',
      handle: () => undefined,
    });
    dispatcher.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('answers every upgrade nobody claims, WebSocket or h2c, with 404 and closes it; a malformed id is a 400', async () => {
    const probes = await Promise.all(
      Array.from({ length: 120 }, (_, i) =>
        i % 3 === 0
          ? probeUpgrade(url, `/api/anything/${i}`, 'websocket')
          : i % 3 === 1
            ? probeUpgrade(url, `/?q=${i}`, 'h2c')
            : probeUpgrade(url, `/echo/not-a-number-${i}`, 'websocket'),
      ),
    );
    for (const [i, probe] of probes.entries()) {
      expect(probe.closedByServer).toBe(true);
      expect(probe.status).toBe(i % 3 === 2 ? 400 : 404);
      expect(probe.text).toMatch(/Connection: close/i);
      expect(probe.text).toMatch(/application\/problem\+json/);
    }
    expect(await settledConnections(server)).toBe(0);
  });

  it('holds nothing for clients that send an upgrade and go away', async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        upgradeAndLeave(url, i % 2 ? '/nowhere' : '/', i % 2 ? 'websocket' : 'h2c'),
      ),
    );
    expect(await settledConnections(server)).toBe(0);
  });

  it('cuts a claimed handshake that never completes', async () => {
    const probe = await probeUpgrade(url, '/stalls', 'websocket', 3_000);
    expect(probe.closedByServer).toBe(true);
    expect(await settledConnections(server)).toBe(0);
  });

  it('still upgrades the route it serves, and the upgraded socket outlives the handshake deadline', async () => {
    const ws = new WebSocket(`${url.replace('http', 'ws')}/echo/42`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    await new Promise((r) => setTimeout(r, 600)); // twice the handshake deadline
    const reply = new Promise<string>((resolve) => ws.once('message', (m) => resolve(String(m))));
    ws.send('hello');
    expect(await reply).toBe('echo hello');
    expect(await openConnections(server)).toBe(1);
    ws.close();
    expect(await settledConnections(server)).toBe(0);
  });

  it('serves ordinary requests as before', async () => {
    expect(await (await fetch(url)).text()).toBe('plain');
  });
});
