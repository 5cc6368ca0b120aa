import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveConsole } from './console-static';

@Controller('things')
class ThingsController {
  @Get()
  list(): { items: string[] } {
    return { items: ['a'] };
  }
}

@Module({ controllers: [ThingsController] })
class ApiModule {}

describe('serveConsole (the built console on the API port)', () => {
  let dir: string;
  let app: NestExpressApplication;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'pmq-console-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
    writeFileSync(join(dir, 'main-ABCDEFGH.js'), 'console.log(1)');
    mkdirSync(join(dir, 'media'));
    app = await NestFactory.create<NestExpressApplication>(ApiModule, { logger: false });
    expect(serveConsole(app, dir)).toBe(true);
    app.setGlobalPrefix('api');
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  });

  afterAll(async () => {
    await app?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the index at / and at any deep link a page asks for', async () => {
    for (const path of [
      '/',
      '/runs/3f1c7f5e-0000-4000-8000-000000000000',
      '/reset-password?token=abc',
    ]) {
      const res = await fetch(base + path, { headers: { accept: 'text/html' } });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('<title>console</title>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
    }
  });

  it('serves hashed files with a long cache and leaves API paths to the API', async () => {
    const js = await fetch(`${base}/main-ABCDEFGH.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('cache-control')).toContain('immutable');
    const api = await fetch(`${base}/api/things`, { headers: { accept: 'text/html' } });
    expect(await api.json()).toEqual({ items: ['a'] });
    const unknownApi = await fetch(`${base}/api/nothing-here`, {
      headers: { accept: 'text/html' },
    });
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.text()).not.toContain('<title>console</title>');
    const health = await fetch(`${base}/health/live`, { headers: { accept: 'text/html' } });
    expect(await health.text()).not.toContain('<title>console</title>');
  });

  it('does not answer a request that wants JSON or is not a GET', async () => {
    expect((await fetch(`${base}/runs`, { headers: { accept: 'application/json' } })).status).toBe(
      404,
    );
    expect(
      (await fetch(`${base}/runs`, { method: 'POST', headers: { accept: 'text/html' } })).status,
    ).toBe(404);
  });

  it('reports that there is nothing to serve without a build', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'pmq-console-empty-'));
    const other = await NestFactory.create<NestExpressApplication>(ApiModule, { logger: false });
    expect(serveConsole(other, empty)).toBe(false);
    await other.close();
    rmSync(empty, { recursive: true, force: true });
  });
});
