import { Controller, Module, type INestMicroservice } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern } from '@nestjs/microservices';
import { createServer, type Server } from 'node:net';
import { Client } from 'pg';
import { z } from 'zod';
import type { PlatformConfig } from '../config/config';
import { ProblemFilter, toProblem } from '../errors/problem';
import { freePort, startNats, type NatsServer } from '../testing/processes';
import { natsMicroserviceStrategy, NatsRpcClient } from './nats';

let databasePort = 0;

@Controller()
class Handlers {
  @MessagePattern('test.ping')
  ping(): string {
    return 'pong';
  }

  /** A handler whose database drops its connection (as a restarting server does). */
  @MessagePattern('test.query')
  async query(): Promise<string> {
    const db = new Client({ host: '127.0.0.1', port: databasePort });
    await db.connect();
    return 'unreachable';
  }
}

@Module({ controllers: [Handlers] })
class HandlersModule {}

/**
 * Unavailability crosses NATS: a request whose answer depends on something that is away — NATS
 * itself, or the responder's database — is a 503 to the HTTP client, not a 500.
 */
describe('NATS request/reply when something is away', () => {
  let nats: NatsServer;
  let responder: INestMicroservice;
  let client: NatsRpcClient;
  let database: Server;
  beforeAll(async () => {
    databasePort = await freePort();
    // accepts, then hangs up: pg's "Connection terminated unexpectedly"
    database = createServer((socket) => socket.destroy());
    await new Promise<void>((ok) => database.listen(databasePort, '127.0.0.1', ok));
    nats = await startNats();
    const config = { NATS_URL: nats.url, SERVICE_NAME: 'unreachable-test' } as PlatformConfig;
    responder = await NestFactory.createMicroservice(HandlersModule, {
      ...natsMicroserviceStrategy(config, 'unreachable-test'),
      logger: false,
    });
    responder.useGlobalFilters(new ProblemFilter());
    await responder.listen();
    client = new NatsRpcClient(config);
    await client.onApplicationBootstrap();
  });
  afterAll(async () => {
    await client?.onApplicationShutdown();
    await responder?.close();
    await nats?.stop();
    database?.close();
  });

  const failure = (work: Promise<unknown>) =>
    work.then(
      () => new Error('answered'),
      (e: unknown) => e,
    );

  it("the responder's database is away: 503", async () => {
    const e = await failure(client.request('test.query', {}, z.string()));
    expect(toProblem(e).problem.status).toBe(503);
  });

  it('NATS is away: 503, and answers again once it is back', async () => {
    const outage = nats.restart('SIGKILL', 3000);
    await new Promise((r) => setTimeout(r, 500));
    const e = await failure(client.request('test.ping', {}, z.string(), 1000));
    expect(toProblem(e).problem.status).toBe(503);
    await outage;
    const deadline = Date.now() + 10_000;
    let answer: unknown;
    while (answer === undefined && Date.now() < deadline) {
      answer = await client.request('test.ping', {}, z.string(), 1000).catch(() => undefined);
      if (answer === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    expect(answer).toBe('pong');
  }, 30_000);
});
