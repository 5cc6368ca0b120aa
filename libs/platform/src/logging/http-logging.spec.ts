import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { RequestContext } from '../context/request-context';
import { MetricsService } from '../observability/metrics';
import { httpContextMiddlewares } from './http-logging';
import { createRootLogger } from './logger';

describe('http context and access log', () => {
  const lines: Record<string, unknown>[] = [];
  let server: Server;
  let base: string;
  const metrics = new MetricsService();

  beforeAll(async () => {
    const destination = new Writable({
      write(chunk, _enc, cb) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        cb();
      },
    });
    const logger = createRootLogger({ destination, service: 'test' });
    const app = express();
    for (const mw of httpContextMiddlewares(logger, metrics)) app.use(mw);
    app.get('/me', (req, res) => {
      // what the guard does once the token is verified
      (req as unknown as { principal: object }).principal = { userId: 'u-1', workspaceId: 'ws-1' };
      RequestContext.set({ userId: 'u-1', workspaceId: 'ws-1' });
      logger.info('inside the handler');
      res.json({ requestId: RequestContext.get()?.requestId });
    });
    app.get('/boom', (_req, res) => {
      res.status(500).json({});
    });
    app.get('/health/live', (_req, res) => {
      res.json({ ok: true });
    });
    server = app.listen(0, '127.0.0.1');
    await new Promise((ok) => server.once('listening', ok));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
  beforeEach(() => (lines.length = 0));

  const settle = () => new Promise((ok) => setTimeout(ok, 20));

  it('writes one access line per request with request id, workspace id and user id', async () => {
    const res = await fetch(`${base}/me?x=1`, {
      headers: { 'x-request-id': 'client-req-7', 'x-workspace-id': 'forged' },
    });
    expect(res.headers.get('x-request-id')).toBe('client-req-7');
    expect(await res.json()).toEqual({ requestId: 'client-req-7' });
    await settle();
    const access = lines.filter((l) => l['msg'] === 'request completed');
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({
      level: 30,
      service: 'test',
      requestId: 'client-req-7',
      workspaceId: 'ws-1',
      userId: 'u-1',
      req: { method: 'GET', url: '/me?x=1' },
      res: { statusCode: 200 },
    });
    expect(typeof access[0]?.['responseTime']).toBe('number');
    // lines written while handling carry the context too
    expect(lines.find((l) => l['msg'] === 'inside the handler')).toMatchObject({
      requestId: 'client-req-7',
      workspaceId: 'ws-1',
    });
  });

  it('never takes the workspace from a header, generates a request id when none is sent', async () => {
    const res = await fetch(`${base}/boom`, { headers: { 'x-workspace-id': 'forged' } });
    const requestId = res.headers.get('x-request-id');
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'request errored',
      requestId,
      res: { statusCode: 500 },
    });
    expect(lines[0]?.['workspaceId']).toBeUndefined();
  });

  it('does not log probes', async () => {
    await fetch(`${base}/health/live`);
    await settle();
    expect(lines).toHaveLength(0);
  });

  it('records request durations by method, route pattern and status, probes included', async () => {
    await fetch(`${base}/me?x=2`);
    await fetch(`${base}/health/live`);
    await fetch(`${base}/nowhere/123`);
    await settle();
    const text = await metrics.registry.metrics();
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="GET",route="\/me",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="GET",route="\/health\/live",status="200"\} [1-9]/,
    );
    expect(text).toMatch(
      /http_server_request_duration_seconds_count\{method="GET",route="unmatched",status="404"\} 1/,
    );
  });
});
